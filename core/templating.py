"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask, request

from core import catalog, languages
from core.i18n import current_language


def _site_name() -> str:
    try:
        from core import settings

        return settings.get("basic.site_name")
    except Exception:  # error pages render even when the database is down
        return "Herald"


def url_with(**changes) -> str:
    """The current URL with some query arguments replaced (paging, filters)."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    from urllib.parse import urlencode

    return request.path + ("?" + urlencode(args) if args else "")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        site_name=_site_name,
        catalog_message=catalog.message,
        catalog_fix=catalog.fix,
        current_locale=current_language,
        url_with=url_with,
        languages=languages.offered,
        language_name=languages.name_of,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
