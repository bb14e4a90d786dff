"""URL converters: ``<int:...>`` is bounded to what every supported database can store.

Werkzeug's ``int`` accepts any number of digits, so ``/admin/members/99999999999999999999``
reached the database: SQLite refuses the value (OverflowError) and PostgreSQL's 32-bit
``integer`` columns raise "integer out of range", both a 500. No id Herald makes is that
large, so such a URL simply matches no route: 404.
"""

from __future__ import annotations

from flask import Flask
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
