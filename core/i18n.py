"""Locale and time zone selection for Flask-Babel.

Locale: the signed-in admin's or member's choice, else the visitor's choice (session), else the
browser's Accept-Language, else the site default (Basic setting). Text in a language chosen
by the caller (a member's message, the error catalog) comes from ``core.translation``.
"""

from __future__ import annotations

from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from core.translation import parsed, supported

__all__ = ["LANGUAGE_SESSION_KEY", "current_language", "normalise", "parsed", "select_locale",
           "select_timezone", "supported"]

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
