"""Every setting Herald knows, declared once with its default, bounds and label.

Tabs, the CLI and import / export all read these declarations; a name that is not
declared here is an error everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from core import languages
from core.settings import served
from core.settings.types import Group, Setting

GROUPS: dict[str, Group] = {
    g.name: g
    for g in (
        Group("basic", _l("Basic"), _l("Site name, address, language and time zone.")),
        Group("sms", _l("SMS"), _l("The active SMS gateway, its fallbacks and credentials.")),
        Group("email", _l("Email"), _l("The outgoing mail server.")),
        Group("wechat", _l("WeChat"), _l("Official-account template messages.")),
        Group("member", _l("Member"), _l("Verification-code rules, send limits, captcha and "
                                         "registration.")),
        Group("api", _l("API"), _l("Signed API access for the business system and resellers.")),
    )
}

SETTINGS: dict[str, Setting] = {}

# Checks across several settings of one group: values -> {setting name: message}.
GroupCheck = Callable[[Mapping[str, Any]], dict[str, Any]]
GROUP_CHECKS: dict[str, list[GroupCheck]] = {name: [] for name in GROUPS}


def declare(*settings: Setting) -> None:
    for setting in settings:
        if setting.group not in GROUPS:
            raise ValueError(f"setting {setting.name}: unknown group {setting.group!r}")
        if setting.name in SETTINGS:
            raise ValueError(f"setting {setting.name} declared twice")
        SETTINGS[setting.name] = setting


def group_check(group: str) -> Callable[[GroupCheck], GroupCheck]:
    def decorator(check: GroupCheck) -> GroupCheck:
        GROUP_CHECKS[group].append(check)
        return check

    return decorator


def in_group(group: str) -> list[Setting]:
    return [s for s in SETTINGS.values() if s.group == group]


def lookup(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"unknown setting {name!r}") from None


declare(
    Setting("basic.site_name", "basic", "str", "Herald", _l("Site name"), max_length=80),
    Setting("basic.site_url", "basic", "url", "", _l("Site URL"),
            _l("The address members use; links in messages start with it. Left empty, it is "
               "the address this server runs on (the `HOST` and `PORT` it was started with)."),
            derived=served.served_url),
    Setting("basic.default_language", "basic", "choice", "zh_CN", _l("Default language"),
            _l("Used when neither the user nor the browser chooses one."),
            choices=languages.choices),
    Setting("basic.timezone", "basic", "timezone", "Asia/Shanghai", _l("Time zone"),
            _l("Times in pages and messages are shown in this zone.")),
)

_SECURITY = _l("Admin security")
_SENSITIVE = {"sensitive": True}

declare(
    Setting("basic.admin_login_code_required", "basic", "bool", False,
            _l("Every admin signs in with a code"),
            _l("After the password, an admin_login code by SMS or email; admins can also turn "
               "it on for themselves."), section=_SECURITY, extra=_SENSITIVE),
    Setting("basic.login_notice_to_supers", "basic", "bool", False,
            _l("Tell every super admin about each admin sign-in"),
            _l("The signed-in admin always gets the admin_login_notice."), section=_SECURITY,
            extra=_SENSITIVE),
    Setting("basic.lockout_threshold", "basic", "int", 5, _l("Failed sign-ins before lockout"),
            _l("Counted per account and per IP address."), minimum=3, maximum=100,
            section=_SECURITY, extra=_SENSITIVE),
    Setting("basic.lockout_minutes", "basic", "int", 15, _l("Lockout duration (minutes)"),
            minimum=1, maximum=1440, section=_SECURITY, extra=_SENSITIVE),
    Setting("basic.session_idle_minutes", "basic", "int", 120,
            _l("Sign out after this many idle minutes"), minimum=5, maximum=1440,
            section=_SECURITY, extra=_SENSITIVE),
    Setting("basic.session_absolute_hours", "basic", "int", 12,
            _l("Sign out this many hours after sign-in"), minimum=1, maximum=720,
            section=_SECURITY, extra=_SENSITIVE),
    Setting("basic.protection_window_minutes", "basic", "int", 5,
            _l("Minutes one operation-protection code covers"),
            _l("For the admin and browser session that confirmed it; protection itself cannot "
               "be turned off."), minimum=1, maximum=30, section=_SECURITY, extra=_SENSITIVE),
)

_CODES = _l("Verification codes")
_LIMITS = _l("Send limits")
_CAPTCHA = _l("Behaviour captcha")
_REGISTRATION = _l("Registration")

CAPTCHA_MODES = (("off", _l("Off")), ("always", _l("Always")),
                 ("auto", _l("Automatic (on when abuse is detected)")))

declare(
    Setting("member.code_length", "member", "int", 6, _l("Code length"), _l("4 to 8 digits."),
            minimum=4, maximum=8, section=_CODES),
    Setting("member.code_ttl_minutes", "member", "int", 10, _l("Code validity (minutes)"),
            minimum=1, maximum=120, section=_CODES),
    Setting("member.code_max_attempts", "member", "int", 5, _l("Wrong tries before a code dies"),
            minimum=1, maximum=20, section=_CODES),
    Setting("member.code_interval_seconds", "member", "int", 60,
            _l("Seconds between two sends to one destination and scene"),
            minimum=10, maximum=3600, section=_LIMITS),
    Setting("member.daily_cap_phone", "member", "int", 10, _l("Daily cap per phone number"),
            minimum=1, maximum=10000, section=_LIMITS),
    Setting("member.daily_cap_ip", "member", "int", 20, _l("Daily cap per IP address"),
            minimum=1, maximum=100000, section=_LIMITS),
    Setting("member.daily_cap_account", "member", "int", 20, _l("Daily cap per account"),
            minimum=1, maximum=10000, section=_LIMITS),
    Setting("member.daily_failure_budget", "member", "int", 20,
            _l("Wrong code tries per phone or email per day"),
            _l("Past it the captcha turns on for that phone or email and the IP addresses "
               "trying, and the admins are alerted; codes keep working."),
            minimum=1, maximum=100000, section=_LIMITS),
    Setting("member.hourly_ceiling", "member", "int", 500, _l("Site-wide hourly ceiling"),
            _l("Crossing it turns the captcha on for everyone and alerts the admins."),
            minimum=1, maximum=1000000, section=_LIMITS),
    Setting("member.allowed_countries", "member", "regions", ["CN"],
            _l("Allowed destination countries"),
            _l("ISO country codes separated by commas, e.g. CN, HK, MO."),
            minimum=1, section=_LIMITS),
    Setting("member.captcha_mode", "member", "choice", "auto", _l("Captcha mode"),
            choices=CAPTCHA_MODES, section=_CAPTCHA),
    Setting("member.signin_captcha_after", "member", "int", 5,
            _l("Failed password sign-ins before an account asks for the captcha"),
            _l("Counted per account over a day. Each further failure doubles a wait (up to 15 "
               "minutes) and the owner is notified; sign-in by SMS code is never throttled."),
            minimum=1, maximum=100, section=_CAPTCHA),
    Setting("member.password_min", "member", "int", 8, _l("Minimum password length"),
            minimum=6, maximum=64, section=_REGISTRATION),
    Setting("member.password_max", "member", "int", 20, _l("Maximum password length"),
            minimum=6, maximum=64, section=_REGISTRATION),
    Setting("member.require_qq", "member", "bool", False, _l("QQ number required"),
            section=_REGISTRATION),
    Setting("member.require_referral", "member", "bool", False, _l("Referral code required"),
            section=_REGISTRATION),
)


@group_check("member")
def _password_bounds(values: Mapping[str, Any]) -> dict[str, Any]:
    if values["member.password_min"] > values["member.password_max"]:
        return {"member.password_max": _l("Must not be below the minimum length.")}
    return {}

_RETENTION = _l("Log retention")
_KEEP_HELP = _l("Rows older than this are deleted by `flask --app app logs prune`; 0 keeps "
                "them forever.")

declare(
    Setting("basic.retention_codes_days", "basic", "int", 180,
            _l("Keep the verification-code log (days)"), _KEEP_HELP, minimum=0,
            maximum=3650, section=_RETENTION),
    Setting("basic.retention_notifications_days", "basic", "int", 180,
            _l("Keep the notification log and Outbox (days)"), _KEEP_HELP, minimum=0,
            maximum=3650, section=_RETENTION),
    Setting("basic.retention_audit_days", "basic", "int", 365,
            _l("Keep the admin operation log (days)"), _KEEP_HELP, minimum=0, maximum=3650,
            section=_RETENTION),
    Setting("basic.retention_logins_days", "basic", "int", 180,
            _l("Keep the login log (days)"), _KEEP_HELP, minimum=0, maximum=3650,
            section=_RETENTION),
)

# System → Global settings → API: who may call the two signed machine APIs. Security rules
# like the Basic tab's, so a change needs a super admin and operation protection.
_API_SWITCHES = _l("Enabled APIs")
_API_SECURITY = _l("Request security")

declare(
    Setting("api.events_enabled", "api", "bool", True,
            _l("Accept business events (POST /api/events)"),
            _l("The hosting business system fires notification events through it. Off: every "
               "request is refused with api_disabled and nothing is sent."),
            section=_API_SWITCHES, extra=_SENSITIVE),
    Setting("api.reseller_enabled", "api", "bool", True,
            _l("Accept reseller SMS (POST /api/sms/send)"),
            _l("Downstream panels send SMS through this Herald with it. Off: every request is "
               "refused with api_disabled and nothing is sent or charged; a downstream Herald "
               "moves on to its next SMS gateway."),
            section=_API_SWITCHES, extra=_SENSITIVE),
    Setting("api.allowed_ips", "api", "networks", [], _l("Allowed caller addresses"),
            _l("IP addresses or CIDR networks, one per line (e.g. 203.0.113.10, "
               "198.51.100.0/24, 2001:db8::/48). Blank: any address. Calls from other "
               "addresses to either API are refused with ip_not_allowed before the signature "
               "is checked. Behind a reverse proxy set HERALD_PROXY_COUNT, or every caller "
               "has the proxy's address."),
            section=_API_SECURITY, extra=_SENSITIVE),
    Setting("api.timestamp_tolerance_seconds", "api", "int", 300,
            _l("Allowed clock difference (seconds)"),
            _l("A signed request whose timestamp is further than this from the server clock is "
               "refused with request_expired. 60 to 900; a used nonce stays refused for 30 "
               "minutes whatever the value."),
            minimum=60, maximum=900, section=_API_SECURITY, extra=_SENSITIVE),
)
