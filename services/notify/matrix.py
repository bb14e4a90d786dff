"""The notification matrix (seed 000): per event, enabled and a switch per channel.

Rows exist only once an admin saved the matrix; until then each event's catalog defaults
apply. Locked events (operation protection) are always enabled whatever is stored.

Every code send and every notification reads a switch, so the stored rows are kept in the
shared cache (all workers see the same copy) and dropped when the matrix is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core import audit
from extensions import cache, db
from models import EventSetting
from services.notify import events


@dataclass(frozen=True)
class Switches:
    enabled: bool
    channels: tuple[str, ...]  # the channels switched on, among those the event may use

    def on(self, channel: str) -> bool:
        return self.enabled and channel in self.channels


def defaults(event: events.Event) -> Switches:
    return Switches(True, event.initial_channels())


CACHE_KEY = "herald:event_settings"

_Stored = tuple[bool, tuple[str, ...]]  # enabled, the channels switched on


def _stored() -> dict[str, _Stored]:
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = {row.purpose: (row.enabled, tuple(c for c in events.ALL_CHANNELS
                                                 if getattr(row, c)))
                for row in db.session.scalars(db.select(EventSetting))}
        cache.set(CACHE_KEY, rows, timeout=0)
    return rows


def _switches(event: events.Event, stored: _Stored | None) -> Switches:
    if stored is None:
        return defaults(event)
    enabled, switched_on = stored
    return Switches(enabled or event.locked, tuple(c for c in event.channels if c in switched_on))


def get(name: str) -> Switches:
    return _switches(events.get(name), _stored().get(name))


def matrix() -> dict[str, Switches]:
    """Every event's switches, in catalog order."""
    stored = _stored()
    return {name: _switches(event, stored.get(name)) for name, event in events.EVENTS.items()}


def save(wanted: Mapping[str, Switches]) -> dict[str, list]:
    """Store the whole matrix in one transaction with one audit entry; returns the changes."""
    before = matrix()
    changes: dict[str, list] = {}
    for name, event in events.EVENTS.items():
        if name not in wanted:
            continue
        new = Switches(wanted[name].enabled or event.locked,
                       tuple(c for c in event.channels if c in wanted[name].channels))
        if new != before[name]:
            changes[name] = [_describe(before[name]), _describe(new)]
            _store(name, new)
    if changes:
        audit.record("templates.matrix", "notification matrix", changes)
    db.session.commit()
    cache.delete(CACHE_KEY)  # after the commit, so the next read loads the new rows
    return changes


def _store(name: str, switches: Switches) -> None:
    row = db.session.get(EventSetting, name) or EventSetting(purpose=name)
    row.enabled = switches.enabled
    for channel in events.ALL_CHANNELS:
        setattr(row, channel, channel in switches.channels)
    db.session.add(row)


def _describe(switches: Switches) -> str:
    state = "on" if switches.enabled else "off"
    return f"{state}: {', '.join(switches.channels) or '-'}"
