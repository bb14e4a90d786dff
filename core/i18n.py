"""Locale and time zone selection for Flask-Babel.

Locale: the signed-in admin's or member's choice, else the visitor's choice (session), else the
browser's Accept-Language, else the site default (Basic setting). Text in a language chosen
by the caller (a member's message, the error catalog) comes from ``core.translation``.

Time zone: one for every time shown, the site's (Basic setting). Templates format times with
Flask-Babel's ``|datetimeformat('yyyy-MM-dd HH:mm')`` filter and Python code with
``flask_babel.format_datetime``; both convert the stored UTC moment to the site's zone through
:func:`select_timezone`. Never ``strftime`` a stored time for a page: that prints UTC.
Where a reader could doubt the zone (a chart axis, a schedule), :func:`site_zone_label`
names it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from babel import Locale
from babel.dates import get_timezone_gmt, get_timezone_name
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, get_timezone
from flask_login import current_user

from core.translation import parsed, supported

__all__ = ["LANGUAGE_SESSION_KEY", "current_language", "normalise", "parsed", "select_locale",
           "select_timezone", "site_zone_id", "site_zone_label", "supported"]

LANGUAGE_SESSION_KEY = "language"


def normalise(value: str | None) -> str | None:
    """Map 'zh', 'zh-CN', 'zh_Hans' ... to 'zh_CN' and 'en-US' to 'en'; None if unsupported."""
    if not value:
        return None
    value = value.replace("-", "_")
    for language in supported():
        if value == language or value.split("_")[0] == language.split("_")[0]:
            return language
    return None


def current_language() -> str:
    """The request's language as Herald stores it ("zh_CN", "en"): for work that outlives
    the request, such as a code delivered after the answer."""
    return normalise(str(get_locale())) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str | Locale:
    """Flask-Babel's locale selector: in a request the chosen language as a parsed Locale,
    outside one (CLI, background work) the site's language as a string."""
    if not has_request_context():  # CLI and background work speak the site's language
        return _site_default()
    return parsed(_request_locale())


def _request_locale() -> str:
    choice = getattr(current_user, "language", "") if _signed_in() else ""
    choice = normalise(choice) or normalise(_member_language()) or \
        normalise(session.get(LANGUAGE_SESSION_KEY))
    if choice:
        return choice
    browser = request.accept_languages.best_match(_browser_tags())
    return normalise(browser) or _site_default()


def _browser_tags() -> list[str]:
    """Each offered language as a browser may name it: zh_CN, zh-CN, zh (Werkzeug also
    matches en-US to en)."""
    tags = [form for language in supported()
            for form in (language, language.replace("_", "-"), language.split("_")[0])]
    return list(dict.fromkeys(tags))


def select_timezone() -> str:
    try:
        from core import settings

        return settings.get("basic.timezone")
    except Exception:  # the database may be down while an error page renders
        return "Asia/Shanghai"


def site_zone_id() -> str:
    """The site's zone as the Basic setting names it ("Asia/Shanghai")."""
    return str(get_timezone())


def site_zone_label(moment: datetime | None = None) -> str:
    """The site's time zone as the reader's language names it, with its offset at
    ``moment`` (now by default): "中国时间 (GMT+08:00)", "China Time (GMT+08:00)"; "UTC"."""
    zone, locale = get_timezone(), get_locale()
    local = (moment or datetime.now(UTC)).astimezone(zone)
    offset = get_timezone_gmt(local, locale=locale)
    if local.utcoffset() == UTC.utcoffset(None) and str(zone) in {"UTC", "Etc/UTC"}:
        return "UTC"  # Babel calls it "Unknown Region (UTC) Time"
    return f"{get_timezone_name(local, locale=locale)} ({offset})"


def _site_default() -> str:
    try:
        from core import settings

        return settings.get("basic.default_language")
    except Exception:  # the database may be down while an error page renders
        return current_app.config["BABEL_DEFAULT_LOCALE"]


def _member_language() -> str:
    """The signed-in member's stored choice (members are not Flask-Login users)."""
    try:
        from core.member_auth import current_member

        member = current_member()
    except Exception:  # the database may be down while an error page renders
        return ""
    return member.language if member is not None else ""


def _signed_in() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # the session store may be unreachable on an error page
        return False
