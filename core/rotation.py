"""Re-encrypting every stored secret under the newest key, and finding the unreadable ones.

The columns are found from the models, not from a list kept here: every column holding a
Fernet token is declared with ``info={"encrypted": True}`` (``"mixed": True`` when plain
values share the column, as in ``settings.value``, where only the secrets are tokens). A new
encrypted column is rotated as soon as it is marked.

The walk goes in primary-key order, a batch per transaction, so a large Outbox never sits
in memory or in one long transaction. Each row is written only if it still holds the token
read, so a value changed meanwhile is never overwritten with an older one. A rerun only
re-encrypts again (same plaintext, new token), so it is harmless; a token no key reads is
counted, left as it is, and never stops the walk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table, select

from core import audit, crypto, settings
from extensions import db

BATCH = 500
SCAN = 5000  # newest values per column the Diagnostics check reads, to keep the page fast


@dataclass
class ColumnReport:
    """What one rotation (or scan) found in one encrypted column."""

    table: str
    column: str
    rotated: int = 0  # re-encrypted under the newest key
    unreadable: int = 0  # no configured key reads it
    unreadable_keys: list[Any] = field(default_factory=list)  # the first few, to look up

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    def unreadable_row(self, key: Any) -> None:
        self.unreadable += 1
        if len(self.unreadable_keys) < 20:
            self.unreadable_keys.append(key)


def encrypted_columns() -> list[tuple[Table, Column]]:
    """Every column the models mark as holding Fernet tokens, in table order."""
    return [(table, column) for table in db.metadata.sorted_tables
            for column in table.columns if column.info.get("encrypted")]


def _key(table: Table) -> Column:
    keys = list(table.primary_key.columns)
    if len(keys) != 1:  # the walk pages by primary key: a composite one needs a new walk
        raise RuntimeError(f"{table.name}: encrypted columns need a one-column primary key")
    return keys[0]


def _tokens(table: Table, column: Column, rows: list) -> Iterator[tuple[Any, str]]:
    mixed = column.info.get("mixed", False)
    for key, value in rows:
        if value and (not mixed or crypto.looks_like_token(value)):
            yield key, value


def _batches(table: Table, column: Column, size: int) -> Iterator[list]:
    key = _key(table)
    last = None
    while True:
        query = select(key, column).where(column.is_not(None), column != "")
        if last is not None:
            query = query.where(key > last)
        rows = db.session.execute(query.order_by(key).limit(size)).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def rotate_column(table: Table, column: Column, size: int = BATCH) -> ColumnReport:
    report = ColumnReport(table.name, column.name)
    key = _key(table)
    # "updated_at = updated_at": a rotation is no change of the value, so it keeps the stamp.
    keep = {c.name: c for c in table.columns if c.onupdate is not None and c is not column}
    for rows in _batches(table, column, size):
        for row_key, token in _tokens(table, column, rows):
            try:
                fresh = crypto.rotate(token)
            except crypto.SecretUnreadable:
                report.unreadable_row(row_key)
                continue
            db.session.execute(table.update().where(key == row_key, column == token)
                               .values({column.name: fresh, **keep}))
            report.rotated += 1
        db.session.commit()
    return report


def rotate_all(size: int = BATCH,
               progress: Callable[[ColumnReport], None] | None = None) -> list[ColumnReport]:
    """Rotate every encrypted column; ``progress`` hears about each column when it is done."""
    reports = []
    for table, column in encrypted_columns():
        reports.append(rotate_column(table, column, size))
        if progress is not None:
            progress(reports[-1])
    audit.record("keys.rotate", target="every encrypted column",
                 changes={r.name: [f"{r.rotated + r.unreadable} tokens",
                                   f"{r.rotated} rotated, {r.unreadable} unreadable"]
                          for r in reports})
    db.session.commit()
    settings.invalidate()  # its cache holds the old tokens
    return reports


def unreadable(scan: int = SCAN) -> list[ColumnReport]:
    """Per column, the values among the newest ``scan`` that no configured key reads."""
    reports = []
    for table, column in encrypted_columns():
        report = ColumnReport(table.name, column.name)
        key = _key(table)
        rows = db.session.execute(
            select(key, column).where(column.is_not(None), column != "")
            .order_by(key.desc()).limit(scan)).all()
        for row_key, token in _tokens(table, column, rows):
            if not crypto.readable(token):
                report.unreadable_row(row_key)
        reports.append(report)
    return reports
