"""Typed settings stored in the database: ``from core import settings; settings.get(name)``."""

from core.settings.registry import GROUPS, SETTINGS, in_group, lookup
from core.settings.store import (
    REDACTED,
    SettingsInvalid,
    adopt,
    export,
    get,
    get_many,
    invalidate,
    is_set,
    snapshot,
    update,
    validate,
)
from core.settings.types import Setting, SettingError

__all__ = [
    "GROUPS",
    "REDACTED",
    "SETTINGS",
    "Setting",
    "SettingError",
    "SettingsInvalid",
    "adopt",
    "export",
    "get",
    "get_many",
    "in_group",
    "invalidate",
    "is_set",
    "lookup",
    "snapshot",
    "update",
    "validate",
]
