"""One catalog entry: a code with its message and fix, as English gettext msgids."""

from __future__ import annotations

from dataclasses import dataclass

from core.translation import translations


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    message: str  # msgid: the words shown for the failure
    fix: str  # msgid: what the reader does about it

    def message_in(self, locale: object = None) -> str:
        """The message in ``locale`` (``None``: the request's language)."""
        return translations(locale).gettext(self.message)

    def fix_in(self, locale: object = None) -> str:
        return translations(locale).gettext(self.fix)
