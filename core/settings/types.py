"""What a setting is: a name, a group, a kind with its converter, a default and bounds.

Every value entering the store — from a settings tab, the CLI or an import file — goes
through :meth:`Setting.convert`, so the three paths cannot disagree about what is valid.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from core import ip_networks

KINDS = ("str", "text", "int", "float", "bool", "choice", "list", "regions", "url", "email",
         "timezone", "networks")
MAX_NETWORKS = 100  # an allowlist longer than this is a firewall's job


class SettingError(ValueError):
    """A value a setting refuses; ``str(exc)`` is a message for the user."""


@dataclass(frozen=True)
class Group:
    """A settings tab: System → Global settings → <title>."""

    name: str
    title: Any
    description: Any = ""


@dataclass(frozen=True)
class Setting:
    name: str
    group: str
    kind: str
    default: Any
    label: Any
    description: Any = ""
    secret: bool = False
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 255
    choices: Sequence[tuple[str, Any]] | Callable[[], Sequence[tuple[str, Any]]] = ()
    section: Any = ""  # a sub-heading inside the tab (e.g. a gateway's name)
    extra: dict[str, Any] = field(default_factory=dict)
    # The value while none is stored, worked out when read (the site URL follows the port
    # the server runs on); ``default`` is then what the admin enters to go back to it.
    derived: Callable[[], Any] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name}: unknown kind {self.kind!r}")

    @property
    def sensitive(self) -> bool:
        """Changing it needs operation protection: credentials, gateways, member rules,
        admin security."""
        return self.group == "member" or "gateway" in self.extra or \
            bool(self.extra.get("sensitive"))

    def choice_list(self) -> list[tuple[str, Any]]:
        return list(self.choices() if callable(self.choices) else self.choices)

    def convert(self, raw: Any) -> Any:
        """Turn a form / CLI / JSON value into this setting's Python value, or refuse it."""
        return _CONVERTERS[self.kind](self, raw)

    def to_text(self, value: Any) -> str:
        """The value as a form or the CLI shows it."""
        if self.kind in {"list", "regions"}:
            return ", ".join(value)
        if self.kind == "networks":
            return "\n".join(value)  # one per line, as the text area shows them
        if self.kind == "bool":
            return "true" if value else "false"
        return "" if value is None else str(value)


def _text(setting: Setting, raw: Any) -> str:
    value = "" if raw is None else str(raw).strip()
    if len(value) > setting.max_length:
        raise SettingError(_l("At most %(n)d characters.", n=setting.max_length))
    if "\x00" in value:
        raise SettingError(_l("Control characters are not allowed."))
    return value


def _single_line(setting: Setting, raw: Any) -> str:
    value = _text(setting, raw)
    if any(ch in value for ch in "\r\n"):
        raise SettingError(_l("Must be a single line."))
    return value


def _number(setting: Setting, raw: Any, parse: Callable[[str], float]) -> float:
    if isinstance(raw, bool):
        raise SettingError(_l("Enter a number."))
    try:
        value = parse(str(raw).strip())
    except (TypeError, ValueError):
        raise SettingError(_l("Enter a number.")) from None
    if setting.minimum is not None and value < setting.minimum:
        raise SettingError(_l("Must be at least %(n)s.", n=_fmt(setting.minimum)))
    if setting.maximum is not None and value > setting.maximum:
        raise SettingError(_l("Must be at most %(n)s.", n=_fmt(setting.maximum)))
    return value


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _int(setting: Setting, raw: Any) -> int:
    return int(_number(setting, raw, int))


def _float(setting: Setting, raw: Any) -> float:
    return float(_number(setting, raw, float))


_TRUE = {"1", "true", "yes", "on", "y"}
_FALSE = {"0", "false", "no", "off", "n", ""}


def _bool(setting: Setting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingError(_l("Enter yes or no."))


def _choice(setting: Setting, raw: Any) -> str:
    value = _single_line(setting, raw)
    allowed = [key for key, _label in setting.choice_list()]
    if value not in allowed:
        raise SettingError(_l("Choose one of: %(choices)s.", choices=", ".join(allowed)))
    return value


def _items(raw: Any) -> list[str]:
    if isinstance(raw, list | tuple):
        parts = [str(p) for p in raw]
    else:
        parts = str(raw or "").replace("\n", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def _list(setting: Setting, raw: Any) -> list[str]:
    items = _items(raw)
    allowed = {key for key, _label in setting.choice_list()}
    if allowed:
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise SettingError(_l("Unknown value: %(value)s.", value=", ".join(unknown)))
    if len(set(items)) != len(items):
        raise SettingError(_l("A value is listed twice."))
    return items


def _regions(setting: Setting, raw: Any) -> list[str]:
    items = [item.upper() for item in _items(raw)]
    unknown = [item for item in items if item not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise SettingError(_l("Unknown country code: %(value)s (use ISO codes such as CN, HK, US).",
                              value=", ".join(unknown)))
    if not items and setting.minimum:
        raise SettingError(_l("List at least one country."))
    return sorted(set(items), key=items.index)


def _networks(setting: Setting, raw: Any) -> list[str]:
    """IP addresses and CIDR networks, canonical and without repeats."""
    items = _items(raw)
    if len(items) > MAX_NETWORKS:
        raise SettingError(_l("At most %(n)d entries.", n=MAX_NETWORKS))
    clean, bad = [], []
    for item in items:
        try:
            clean.append(ip_networks.normalise(item))
        except ip_networks.HostBitsSet as exc:
            raise SettingError(_l("%(value)s has host bits set: did you mean %(network)s?",
                                  value=item, network=exc.network)) from None
        except ValueError:
            bad.append(item)
    if bad:
        raise SettingError(_l("Not an IP address or CIDR network: %(value)s (use e.g. "
                              "203.0.113.10 or 198.51.100.0/24).",
                              value=", ".join(item[:45] for item in bad[:5])))
    return list(dict.fromkeys(clean))


def _url(setting: Setting, raw: Any) -> str:
    value = _single_line(setting, raw)
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingError(_l("Enter a full http:// or https:// address."))
    return value


def _email(setting: Setting, raw: Any) -> str:
    value = _single_line(setting, raw)
    if not value:
        return value
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise SettingError(_l("Enter a valid email address.")) from None


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def _timezone(setting: Setting, raw: Any) -> str:
    value = _single_line(setting, raw)
    if value not in timezone_names():
        raise SettingError(_l("Unknown time zone (use a name such as Asia/Shanghai)."))
    return value


_CONVERTERS: dict[str, Callable[[Setting, Any], Any]] = {
    "str": _single_line,
    "text": _text,
    "int": _int,
    "float": _float,
    "bool": _bool,
    "choice": _choice,
    "list": _list,
    "regions": _regions,
    "url": _url,
    "email": _email,
    "timezone": _timezone,
    "networks": _networks,
}
