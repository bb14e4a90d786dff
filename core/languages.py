"""The languages Herald offers: one per gettext catalog under ``translations/``.

A language is offered as soon as ``translations/<locale>/LC_MESSAGES/messages.po`` exists
(``config.languages_in`` finds them); its own name and the short label of the language
switches come from that catalog too, so a new language is one ``.po`` file.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.translation import NP_, supported, translations

# Translated in every catalog into that language's name for itself ("简体中文"), and the
# label of its button in the language switches ("中文").
NAME = NP_("language name", "English")
LABEL = NP_("language label", "EN")


@dataclass(frozen=True)
class Language:
    code: str  # "zh_CN", "en": what sessions, members and settings store
    name: str
    label: str


def offered() -> list[Language]:
    """Every language, in the configured order, named in itself."""
    return [_language(code) for code in supported()]


def name_of(code: str | None) -> str:
    """The language's name in itself; empty for a language Herald does not offer."""
    return _language(code).name if code in supported() else ""


def choices() -> list[tuple[str, str]]:
    """(code, name) pairs for the Default-language setting."""
    return [(language.code, language.name) for language in offered()]


def _language(code: str) -> Language:
    catalog = translations(code)
    return Language(code, catalog.pgettext(*NAME), catalog.pgettext(*LABEL))
