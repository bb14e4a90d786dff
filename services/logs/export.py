"""Streamed CSV export of any filtered log, in bounded memory.

The log's own filtered query is reused with only the exported columns selected (plain
rows, never ORM objects held by the session) and read in keyset batches by id, newest
first: memory stays flat whether the log holds a thousand rows or a million, on SQLite,
PostgreSQL and MySQL alike (PyMySQL would otherwise buffer a whole result set).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Response, stream_with_context
from sqlalchemy import Select

from extensions import db

BATCH = 2000
BOM = "\ufeff"  # Excel reads UTF-8 Chinese text correctly only after a BOM


@dataclass(frozen=True)
class Column:
    header: str
    expr: Any  # a column expression of the exported model
    format: Callable[[Any], Any] | None = None


def safe_cell(value: Any) -> Any:
    """Keep a spreadsheet from running a cell as a formula (CSV injection).

    An E.164 phone ("+8613800138000") stays as it is: a sign followed by digits only is a
    number, not a formula.
    """
    if not isinstance(value, str) or not value:
        return value
    risky = value[0] in ("=", "@", "\t", "\r") or (
        value[0] in ("+", "-") and not value[1:].isdigit())
    return "'" + value if risky else value


def _cell(value: Any, fmt: Callable[[Any], Any] | None) -> Any:
    if fmt is not None:
        value = fmt(value)
    elif isinstance(value, datetime):
        value = value.isoformat(timespec="seconds")
    elif isinstance(value, bool):
        value = int(value)
    return safe_cell("" if value is None else value)


def rows(query: Select, id_column: Any, columns: Sequence[Column],
         batch: int = BATCH) -> Iterator[tuple]:
    """Every row of ``query`` (newest first), ``batch`` rows per database round trip."""
    narrowed = query.with_only_columns(id_column, *[c.expr for c in columns]) \
        .order_by(None).order_by(id_column.desc()).limit(batch)
    last = None
    while True:
        page = narrowed if last is None else narrowed.where(id_column < last)
        chunk = db.session.execute(page).all()
        if not chunk:
            return
        yield from chunk
        last = chunk[-1][0]
        if len(chunk) < batch:
            return


def generate(query: Select, id_column: Any, columns: Sequence[Column],
             batch: int = BATCH) -> Iterator[str]:
    """CSV text in pieces: the header, then one piece per batch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in columns])
    yield BOM + _drain(buffer)
    for count, row in enumerate(rows(query, id_column, columns, batch), 1):
        writer.writerow([_cell(v, c.format) for v, c in zip(row[1:], columns, strict=True)])
        if count % batch == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def response(filename: str, query: Select, id_column: Any,
             columns: Sequence[Column]) -> Response:
    """A streamed download; the request context stays open while the body is written."""
    body = stream_with_context(generate(query, id_column, columns))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename={filename}",
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",  # nginx passes the stream on instead of buffering it
    })
