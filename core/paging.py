"""Paging for admin tables: the page the request asks for, clamped, with a total."""

from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination

from extensions import db

DEFAULT_PER_PAGE = 10  # seed 000: 每页显示 10
MAX_PER_PAGE = 100
# A typed page number past this is past the end anyway; unclamped, ?page=10**18 made an
# OFFSET no database integer holds (a 500).
MAX_PAGE = 2**31 - 1


def requested_page() -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", 1))))
    except ValueError:
        return 1


def requested_per_page() -> int:
    try:
        return min(MAX_PER_PAGE, max(1, int(request.args.get("per_page", DEFAULT_PER_PAGE))))
    except ValueError:
        return DEFAULT_PER_PAGE


def paginate(query) -> Pagination:
    """Page past the end shows the last page rather than a 404."""
    per_page = requested_per_page()
    page = db.paginate(query, page=requested_page(), per_page=per_page, error_out=False)
    if page.pages and page.page > page.pages:
        page = db.paginate(query, page=page.pages, per_page=per_page, error_out=False)
    return page
