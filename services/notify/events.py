"""The event catalog: every business event and verification-code scene, with its channels
and variables. Adding an event is one entry here (plus its default templates).

Channels per entry follow the seed pages' notification matrix (seed 000 and 001).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from core.translation import N_, translations

SMS, EMAIL, INSITE, WECHAT = "sms", "email", "insite", "wechat"
ALL_CHANNELS = (SMS, EMAIL, INSITE, WECHAT)


@dataclass(frozen=True)
class Variable:
    name: str
    description: object
    sample: str  # words are marked N_ and shown in the reader's (or a template's) language

    def sample_in(self, locale: object = None) -> str:
        return translations(locale).gettext(self.sample)


@dataclass(frozen=True)
class Event:
    name: str
    title: object
    channels: tuple[str, ...]  # the channels this event may use at all
    variables: tuple[Variable, ...]
    scene: bool = False  # a verification-code scene rather than a business event
    locked: bool = False  # cannot be disabled (operation protection)
    # Channels switched on until an admin saves the matrix; None = every allowed channel.
    default_channels: tuple[str, ...] | None = None
    for_admins: bool = False  # sent to admins only: never offered for a broadcast

    def initial_channels(self) -> tuple[str, ...]:
        return self.channels if self.default_channels is None else self.default_channels

    def variable_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)

    def samples(self, locale: object = None) -> dict[str, str]:
        """Sample values in ``locale`` (None: the reader's language)."""
        return {v.name: v.sample_in(locale) for v in self.variables}


def _v(name: str, description, sample: str) -> Variable:
    return Variable(name, description, sample)


SITE = _v("site_name", _l("Site name"), "Herald")
MEMBER = _v("member_name", _l("Member's name or phone"), "138****8000")
CODE = _v("code", _l("The verification code"), "472913")
MINUTES = _v("minutes", _l("Minutes the code stays valid"), "10")
SERVER = _v("server_name", _l("Server name"), "hk-web-01")
IP = _v("server_ip", _l("Server IP address"), "203.0.113.10")
EXPIRES = _v("expires_at", _l("Expiry date"), "2026-12-31")
PRODUCT = _v("product", _l("Product"), N_("Cloud server 2C4G"))
AMOUNT = _v("amount", _l("Amount"), "99.00")
OS = _v("os", _l("Operating system"), "Debian 12")
LOGIN_IP = _v("login_ip", _l("IP address of the sign-in"), "198.51.100.7")
LOGIN_TIME = _v("login_time", _l("Time of the sign-in"), "2026-11-23 10:05")
ADMIN = _v("admin_name", _l("Admin username"), "admin")
ACTION = _v("action", _l("The protected action"), "settings.sms")
TITLE = _v("title", _l("Notice title"), N_("Maintenance on Friday"))
BODY = _v("body", _l("Notice text"), N_("Network maintenance 02:00-04:00."))
CHANGE = _v("change", _l("What changed on the account"), N_("bound phone"))
TIME = _v("time", _l("Time of the change"), "2026-11-23 10:05")
CHANGE_IP = _v("ip", _l("IP address the change came from"), "198.51.100.7")
GATEWAY = _v("gateway", _l("SMS gateway"), "smsbao")
BALANCE = _v("balance", _l("Balance left at the provider"), N_("480 messages"))
THRESHOLD = _v("threshold", _l("Low-balance alert threshold"), "500")

_CODE_VARS = (SITE, CODE, MINUTES)
_SERVER_VARS = (SITE, MEMBER, SERVER, IP)
# Seed 000: server notices start with in-site and WeChat on; seed 001: bare-metal notices
# with SMS, email and in-site on.
_SEED_000 = (INSITE, WECHAT)
_SEED_001 = (SMS, EMAIL, INSITE)

_ENTRIES = (
    # Business events (seed 000's matrix, seed 001's bare-metal rows, SPEC section 6).
    Event("server_opened", _l("Server opened"), ALL_CHANNELS, (*_SERVER_VARS, PRODUCT, EXPIRES),
          default_channels=_SEED_000),
    Event("server_renewed", _l("Server renewed"), ALL_CHANNELS, (*_SERVER_VARS, EXPIRES, AMOUNT),
          default_channels=_SEED_000),
    Event("server_reinstalled", _l("Server reinstalled"), ALL_CHANNELS, (*_SERVER_VARS, OS),
          default_channels=_SEED_000),
    Event("server_upgraded", _l("Server upgraded"), ALL_CHANNELS, (*_SERVER_VARS, PRODUCT),
          default_channels=_SEED_000),
    Event("cloud_refund", _l("Cloud server refund"), ALL_CHANNELS, (*_SERVER_VARS, AMOUNT),
          default_channels=_SEED_000),
    Event("expiry_reminder", _l("Cloud server expiry reminder"), ALL_CHANNELS,
          (*_SERVER_VARS, EXPIRES), default_channels=_SEED_000),
    Event("expiry_reminder_2", _l("Cloud server expiry reminder 2"), ALL_CHANNELS,
          (*_SERVER_VARS, EXPIRES), default_channels=_SEED_000),
    Event("push_notice", _l("Cloud server push notice"), ALL_CHANNELS, (SITE, MEMBER, TITLE, BODY),
          default_channels=_SEED_000),
    Event("baremetal_autorenew_failed", _l("Bare-metal auto-renewal failed"), ALL_CHANNELS,
          (*_SERVER_VARS, EXPIRES, AMOUNT), default_channels=_SEED_001),
    Event("baremetal_downgrade_scheduled", _l("Bare-metal downgrade scheduled"), ALL_CHANNELS,
          (*_SERVER_VARS, EXPIRES), default_channels=_SEED_001),
    Event("admin_login_notice", _l("Admin sign-in notice"), (SMS, EMAIL, WECHAT),
          (SITE, ADMIN, LOGIN_IP, LOGIN_TIME)),
    # To the super admins when the SMS balance falls below the threshold (Global settings
    # → SMS), before sends fail with insufficient_balance: services.delivery.balance.
    Event("sms_balance_low", _l("SMS balance low"), (SMS, EMAIL, WECHAT),
          (SITE, MEMBER, GATEWAY, BALANCE, THRESHOLD), for_admins=True),
    # Security notice to the member after a change of phone, email, password or protection.
    Event("account_changed", _l("Account changed notice"), (SMS, EMAIL, INSITE),
          (SITE, MEMBER, CHANGE, TIME, CHANGE_IP)),
    # Verification-code scenes (SPEC section 5; seed 001's notification table).
    Event("register", _l("Member registration code"), (SMS,), _CODE_VARS, scene=True),
    Event("login", _l("Member sign-in code"), (SMS,), _CODE_VARS, scene=True),
    Event("reset_password", _l("Password reset code"), (SMS, EMAIL), _CODE_VARS, scene=True),
    Event("change_email", _l("Change email code"), (SMS, EMAIL), _CODE_VARS, scene=True),
    Event("change_phone", _l("Change bound phone code"), (SMS, EMAIL), _CODE_VARS, scene=True),
    Event("change_protection", _l("Change password protection code"), (SMS, EMAIL), _CODE_VARS,
          scene=True),
    # Step two of a phone or email change: the code to the new phone or email.
    Event("change_phone_new", _l("New bound phone code"), (SMS,), _CODE_VARS, scene=True),
    Event("change_email_new", _l("New email code"), (EMAIL,), _CODE_VARS, scene=True),
    Event("operation_protection", _l("Operation protection code"), (SMS, EMAIL),
          (*_CODE_VARS, ACTION), scene=True, locked=True),
    Event("admin_login", _l("Admin sign-in code"), (SMS, EMAIL), (*_CODE_VARS, ADMIN),
          scene=True),
)

EVENTS: dict[str, Event] = {event.name: event for event in _ENTRIES}
SCENES: tuple[str, ...] = tuple(e.name for e in _ENTRIES if e.scene)


def get(name: str) -> Event:
    try:
        return EVENTS[name]
    except KeyError:
        raise KeyError(f"unknown event or scene {name!r}") from None
