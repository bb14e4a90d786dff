"""Reading and writing settings: typed, cached, secrets encrypted, every save audited.

Reads go: per-request memo -> shared cache (Redis or the instance file cache) -> database.
A save writes all its values and the audit entry in one transaction and then drops the
cache key it was read under, so every worker sees the change on its next request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import g, has_app_context

from core import audit, crypto
from core.settings.registry import GROUP_CHECKS, SETTINGS, lookup
from core.settings.types import SettingError
from extensions import cache, db
from models import SettingValue

CACHE_KEY = "settings:v1"
REDACTED = "••••••"


class SettingsInvalid(ValueError):
    """Some values were refused; nothing was saved. ``errors`` maps names to messages."""

    def __init__(self, errors: Mapping[str, Any]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class _Memo(dict):
    """One request's raw stored values, and the scalar values already decoded from them
    (a send reads some twenty settings; decoding JSON or a secret each time adds up).
    Dropped with the memo, so never older than the raw values."""

    def __init__(self, rows: Mapping[str, str]):
        super().__init__(rows)
        self.decoded: dict[str, Any] = {}


def _stored() -> dict[str, str]:
    """Raw stored values (JSON, or Fernet tokens for secrets) by name."""
    memo = g.get("_herald_settings") if has_app_context() else None
    if memo is not None:
        return memo
    rows = cache.get(CACHE_KEY)
    if rows is None:
        rows = {row.name: row.value for row in db.session.scalars(db.select(SettingValue))}
        cache.set(CACHE_KEY, rows, timeout=0)
    memo = _Memo(rows)
    if has_app_context():
        g._herald_settings = memo
    return memo


def _decode(name: str, raw: str) -> Any:
    setting = lookup(name)
    text = crypto.decrypt(raw) if setting.secret else raw
    return json.loads(text)


def get(name: str) -> Any:
    """The typed value of ``name``: stored, else its declared default."""
    setting = lookup(name)
    stored = _stored()
    raw = stored.get(name)
    if raw is None:
        return setting.derived() if setting.derived else setting.default
    decoded = getattr(stored, "decoded", None)
    if decoded is None:  # a memo set by hand (tests): decode every time
        return _decode(name, raw)
    if name not in decoded:
        value = _decode(name, raw)
        if isinstance(value, list | dict):  # the caller may change it: a fresh one each time
            return value
        decoded[name] = value
    return decoded[name]


def get_many(names: list[str]) -> dict[str, Any]:
    return {name: get(name) for name in names}


def is_set(name: str) -> bool:
    """Whether a value is stored (used to say "a secret is saved" without showing it)."""
    lookup(name)
    return name in _stored()


def snapshot() -> _Memo:
    """This request's stored values, for work that finishes after the answer left (its own
    app context): :func:`adopt` there reads the same values without loading them again."""
    return _stored()


def adopt(memo: _Memo) -> None:
    """Read ``memo`` (a :func:`snapshot` of the request being finished) in this context."""
    g._herald_settings = memo


def invalidate() -> None:
    cache.delete(CACHE_KEY)
    g.pop("_herald_settings", None)


def validate(values: Mapping[str, Any]) -> dict[str, Any]:
    """Convert every value; raise SettingsInvalid listing all refusals at once."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in SETTINGS:
            errors[name] = f"unknown setting {name!r}"
            continue
        try:
            clean[name] = SETTINGS[name].convert(raw)
        except SettingError as exc:
            errors[name] = exc.args[0]
    if not errors:
        errors.update(_group_errors(clean))
    if errors:
        raise SettingsInvalid(errors)
    return clean


def _group_errors(clean: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for group in {SETTINGS[name].group for name in clean}:
        merged = {s.name: clean.get(s.name, get(s.name))
                  for s in SETTINGS.values() if s.group == group}
        for check in GROUP_CHECKS[group]:
            errors.update(check(merged))
    return errors


def update(values: Mapping[str, Any], action: str = "settings.update",
           target: str = "") -> dict[str, list[Any]]:
    """Validate and save ``values`` in one transaction with its audit entry.

    Returns the changes as {name: [old, new]} (secrets redacted). Raises SettingsInvalid
    and saves nothing when any value is refused.
    """
    clean = validate(values)
    changes: dict[str, list[Any]] = {}
    try:
        for name, new in clean.items():
            old = get(name)
            if old == new:
                continue
            _write(name, new)
            secret = SETTINGS[name].secret
            changes[name] = [REDACTED, REDACTED] if secret else [old, new]
        if changes:
            audit.record(action, target=target, changes=changes)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    invalidate()
    return changes


def _write(name: str, value: Any) -> None:
    setting = SETTINGS[name]
    text = json.dumps(value, ensure_ascii=False)
    stored = crypto.encrypt(text) if setting.secret else text
    row = db.session.get(SettingValue, name)
    if setting.default == value and not setting.secret:
        if row is not None:
            db.session.delete(row)  # back to the default: nothing to store
        return
    if row is None:
        db.session.add(SettingValue(name=name, value=stored))
    else:
        row.value = stored


def export(with_secrets: bool = False) -> dict[str, Any]:
    """Every declared setting's current value; secrets only when asked for."""
    return {
        # A derived value describes this server only: an import elsewhere must not pin it.
        name: setting.default if setting.derived and not is_set(name) else get(name)
        for name, setting in sorted(SETTINGS.items())
        if with_secrets or not setting.secret
    }
