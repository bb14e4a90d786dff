"""The notification matrix (seed 000): per event, enabled and a switch per channel.

Rows exist only once an admin saved the matrix; until then each event's catalog defaults
apply. Locked events (operation protection) are always enabled whatever is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core import audit
from extensions import db
from models import EventSetting
from services import events


@dataclass(frozen=True)
class Switches:
    enabled: bool
    channels: tuple[str, ...]  # the channels switched on, among those the event may use

    def on(self, channel: str) -> bool:
        return self.enabled and channel in self.channels


def defaults(event: events.Event) -> Switches:
    return Switches(True, event.initial_channels())


def _from_row(event: events.Event, row: EventSetting | None) -> Switches:
    if row is None:
        return defaults(event)
    channels = tuple(c for c in event.channels if getattr(row, c))
    return Switches(row.enabled or event.locked, channels)


def get(name: str) -> Switches:
    event = events.get(name)
    return _from_row(event, db.session.get(EventSetting, name))


def matrix() -> dict[str, Switches]:
    """Every event's switches, in catalog order."""
    rows = {row.purpose: row for row in db.session.scalars(db.select(EventSetting))}
    return {name: _from_row(event, rows.get(name)) for name, event in events.EVENTS.items()}


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
