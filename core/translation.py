"""Text in a chosen language, from the gettext catalogs.

Every word Herald shows comes from ``translations/<language>/LC_MESSAGES/messages.po``:
``_`` / ``_l`` (Flask-Babel) for the request's language, :func:`translations` for a language
the caller chooses (a member's message, a CLI answer, the error catalog), with :func:`N_` /
:func:`NP_` marking text that is translated later. A new language is one more ``.po`` file.
A leaf module: the error catalog and the default templates import it, and locale selection
(``core.i18n``) needs the member session, which speaks catalog codes.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from flask import current_app, has_app_context


def N_(message: str) -> str:
    """Mark ``message`` for extraction (``make i18n``); translate it later with
    ``translations(locale).gettext(message)``."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:
    """Mark ``message`` under ``context`` for extraction; returns ``(context, message)`` for
    ``translations(locale).pgettext(context, message)``."""
    return context, message


def translations(locale: object = None) -> NullTranslations:
    """The gettext catalog of ``locale`` ("zh_CN", "en", a Locale ...), whatever the request
    speaks; ``None`` is the current language (Flask-Babel's, so ``force_locale`` holds).
    A language without a catalog gets the English msgids."""
    if locale is None:
        try:
            from flask_babel import get_locale, get_translations

            if get_locale() is not None:
                return get_translations()
        except (RuntimeError, KeyError, AttributeError):  # outside an app, or Babel not set up
            pass
        locale = _config("BABEL_DEFAULT_LOCALE")
    directories, domain = _directories()
    return _load(directories, domain, str(locale))


def supported() -> tuple[str, ...]:
    """The languages offered, in the configured order."""
    return tuple(_config("LANGUAGES"))


@lru_cache(maxsize=32)
def parsed(identifier: str) -> Locale:
    """The Locale for ``identifier``, parsed once per process: Flask-Babel would parse the
    selector's string on every request, and Babel resolves "zh_CN" by scanning its whole
    list of locale files each time. Locale objects are immutable, so sharing them is safe."""
    return Locale.parse(identifier)


def _directories() -> tuple[tuple[str, ...], str]:
    if has_app_context():
        try:
            from flask_babel import get_babel

            babel = get_babel()
            return tuple(babel.translation_directories), babel.default_domain.split(";")[0]
        except KeyError:  # an app without Flask-Babel
            pass
    return (str(_config("BABEL_TRANSLATION_DIRECTORIES")),), "messages"


@lru_cache(maxsize=32)
def _load(directories: tuple[str, ...], domain: str, identifier: str) -> NullTranslations:
    """The merged catalogs of one language, loaded once per process (as Flask-Babel does)."""
    try:
        locale = parsed(identifier.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return NullTranslations()
    merged = Translations()
    for directory in directories:
        catalog = Translations.load(directory, [locale], domain)
        merged.merge(catalog)
        if hasattr(catalog, "plural"):
            merged.plural = catalog.plural
    return merged


def _config(name: str):
    if has_app_context():
        return current_app.config[name]
    from config import DEFAULTS  # outside an app (tools, import time): the shipped defaults

    return DEFAULTS[name]
