"""The error catalog: every failure a user or admin can meet, with its fix.

Gateways, forms and APIs speak in catalog codes; pages and JSON answers turn a code into
words with :func:`message` and :func:`fix`, in the reader's language. Each family of codes
has its module; the words are English gettext msgids, translated in
``translations/<language>/LC_MESSAGES/messages.po`` like every other string (the Chinese
wording of the seed pages is kept verbatim there).
"""

from __future__ import annotations

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

__all__ = ["CATALOG", "CatalogEntry", "entry", "fix", "message"]

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
