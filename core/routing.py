"""Where a request may lead and in what form it is answered.

URL converters: ``<int:...>`` is bounded to what every supported database can store.
Werkzeug's ``int`` accepts any number of digits, so ``/admin/members/99999999999999999999``
reached the database: SQLite refuses the value (OverflowError) and PostgreSQL's 32-bit
``integer`` columns raise "integer out of range", both a 500. No id Herald makes is that
large, so such a URL simply matches no route: 404.

``safe_next`` is the one check of a ``next`` redirect target and ``wants_json`` the one
rule choosing a JSON answer over a page, for admins and members alike.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request, url_for
from werkzeug.routing import Map
from werkzeug.routing.converters import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL and MariaDB INTEGER; SQLite takes more, but none is made


class BoundedIntConverter(IntegerConverter):
    """``int``, with ``max`` defaulting to :data:`MAX_ID` instead of unbounded."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def init_app(app: Flask) -> None:
    """Must run before any blueprint is registered: rules pick their converters then."""
    app.url_map.converters["int"] = BoundedIntConverter


def safe_next(target: str | None, fallback_endpoint: str) -> str:
    """``target`` if it is a path on this site, else the URL of ``fallback_endpoint``.

    Only same-site paths: an open redirect would help phishing.
    """
    if target:
        parts = urlsplit(target)
        # Not printable: browsers drop tabs and line breaks from a URL ("/\t/evil.example"
        # is "//evil.example" to them), and a line break in a header is a 500.
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target \
                and target.isprintable():
            return target
    return url_for(fallback_endpoint)


def wants_json() -> bool:
    """Answer this request with JSON rather than a page?

    Yes for the machine APIs, for a JSON body, for the pages' own ``fetch`` calls (which
    say ``X-Requested-With: fetch``) and for a client ranking JSON above HTML. ``*/*``
    alone, or no Accept header, gets a page: that is what a browser or a bare curl means.
    """
    if request.path.startswith("/api/") or request.is_json:
        return True
    if request.headers.get("X-Requested-With") == "fetch":
        return True
    # Listing HTML first makes a tie (``*/*``, or both equally wanted) go to the page.
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == \
        "application/json"
