"""The error catalog: every failure a user or admin can meet, with its fix.

Gateways, forms and APIs speak in catalog codes; pages and JSON answers turn a code into
words with :func:`message` and :func:`fix`, in the reader's language. Each family of codes
has its module; the words are English gettext msgids, translated in
``translations/<language>/LC_MESSAGES/messages.po`` like every other string (the Chinese
wording of the seed pages is kept verbatim there).
"""

from __future__ import annotations

from markupsafe import Markup

from core.catalog import (
    api,
    codes,
    diagnostics,
    gateways,
    notify,
    pages,
    queue,
    reseller,
    security,
)
from core.catalog.entry import CatalogEntry

__all__ = ["CATALOG", "CatalogEntry", "entry", "fix", "flash_text", "message"]

FAMILIES = (gateways, pages, api, reseller, notify, security, diagnostics, codes, queue)

CATALOG: dict[str, CatalogEntry] = {
    item.code: item for family in FAMILIES for item in family.ENTRIES}


def entry(code: str) -> CatalogEntry:
    """The entry for ``code``; an unknown code falls back to ``unknown``."""
    return CATALOG.get(code, CATALOG["unknown"])


def message(code: str, locale: object = None) -> str:
    """The message of ``code`` in ``locale`` (default: the request's language)."""
    return entry(code).message_in(locale)


def fix(code: str, locale: object = None) -> str:
    """The fix of ``code`` in ``locale`` (default: the request's language)."""
    return entry(code).fix_in(locale)


def flash_text(code: str) -> Markup:
    """A flash message for ``code``: the translated message with the code beside it as a
    small monospace badge (SPEC 4), never the code alone or in brackets as prose."""
    return Markup("{} <code>{}</code>").format(message(code), code)
