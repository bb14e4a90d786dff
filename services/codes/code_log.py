"""The verification-code log's queries, fast at a million rows.

* Every filter has an index ending in (created_at, id), the page order, so a page reads ten
  index entries, not the table.
* Rows of a page are found on the narrow index first and fetched by id afterwards (a
  "deferred join"), so a deep OFFSET skips index entries rather than whole rows; pages past
  the middle are read from the other end, so the last page costs what the first does.
* The unfiltered total is a counter kept in the same transactions that add and delete log
  rows (the one row of ``code_log_total``), not a COUNT(*) over the table; filtered totals
  COUNT on the index.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, bindparam

from core.phones import InvalidPhone, parse_phone
from extensions import db
from models.code import CODE_STATUSES, CodeLogTotal, VerificationCode
from services.logs.notifications import day_start
from services.notify import events

FILTERS = ("phone", "scene", "status", "channel", "ip", "date_from", "date_to",
           "error")  # a catalog code: the Overview links refusals by send limit here
CHANNELS = (events.SMS, events.EMAIL)
TOTAL_ROW = 1  # the id of code_log_total's only row
_ORDER = (VerificationCode.created_at, VerificationCode.id)


def read_filters(args: Mapping[str, str]) -> dict[str, str]:
    return {key: (args.get(key) or "").strip()[:254] for key in FILTERS}


def conditions(filters: Mapping[str, str]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if filters.get("phone"):
        found.append(VerificationCode.destination == destination_of(filters["phone"]))
    if filters.get("scene") in events.SCENES:
        found.append(VerificationCode.scene == filters["scene"])
    if filters.get("status") in CODE_STATUSES:
        found.append(VerificationCode.status == filters["status"])
    if filters.get("channel") in CHANNELS:
        found.append(VerificationCode.channel == filters["channel"])
    if filters.get("ip"):
        found.append(VerificationCode.ip == filters["ip"][:45])
    if filters.get("error"):
        found.append(VerificationCode.error == filters["error"][:40])
    start, end = day_start(filters.get("date_from")), day_start(filters.get("date_to"), 1)
    if start:
        found.append(VerificationCode.created_at >= start)
    if end:
        found.append(VerificationCode.created_at < end)
    return found


# A refused destination is logged as typed, but a bot's junk is cut here: past this length
# it tells the admin nothing more and only widens the log.
TYPED_KEPT = 64


def as_typed(raw: str) -> str:
    """A refused destination as it is logged: stripped, at most TYPED_KEPT characters
    (the cut marked with an ellipsis)."""
    raw = raw.strip()
    return raw if len(raw) <= TYPED_KEPT else raw[:TYPED_KEPT - 1] + "…"


def destination_of(raw: str) -> str:
    """A phone typed any way (138..., +86 138...) as stored; an email in lower case."""
    if "@" in raw:
        return raw.lower()
    try:
        return parse_phone(raw, check_allowed=False)
    except InvalidPhone:
        return raw


class CodeLogPage(Pagination):
    """One page of the log with what the pager macro reads (total, pages, iter_pages ...).

    Built here rather than by ``Pagination.__init__``, which reads the items before the
    total: the total comes first so the items query can pick the cheaper end.
    """

    def __init__(self, filters: Mapping[str, str], page: int, per_page: int):
        self._where = conditions(filters)
        self.per_page = per_page
        self.max_per_page = None
        self.total = self._query_count()
        self.page = min(max(1, page), max(1, self.pages))  # past the end: the last page
        self.items = self._query_items()

    def _query_count(self) -> int:
        if not self._where:
            return total()
        return db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)
                                 .where(*self._where)) or 0

    def _query_items(self) -> list[VerificationCode]:
        offset = (self.page - 1) * self.per_page
        if offset * 2 > self.total:  # nearer the end: read from the oldest row up
            size = max(0, min(self.per_page, self.total - offset))
            ids = self._ids(ascending=True, limit=size,
                            offset=max(0, self.total - offset - size))
        else:
            ids = self._ids(ascending=False, limit=self.per_page, offset=offset)
        if not ids:
            return []
        rows = db.session.scalars(db.select(VerificationCode)
                                  .where(VerificationCode.id.in_(ids))).all()
        return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)

    def _ids(self, ascending: bool, limit: int, offset: int) -> list[int]:
        order = [c.asc() if ascending else c.desc() for c in _ORDER]
        return list(db.session.scalars(db.select(VerificationCode.id).where(*self._where)
                                       .order_by(*order).limit(limit).offset(offset)))


def ordered(filters: Mapping[str, str]):
    """The filtered log, newest first (CSV export)."""
    return (db.select(VerificationCode).where(*conditions(filters))
            .order_by(*(c.desc() for c in _ORDER)))


def total() -> int:
    """Rows in the log, from the counter (recounted once if the counter is missing)."""
    value = db.session.scalar(db.select(CodeLogTotal.count).where(CodeLogTotal.id == TOTAL_ROW))
    return recount() if value is None else value


def recount() -> int:
    """Set the counter from a real COUNT(*) (after bulk loads or a restore)."""
    exact = db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) or 0
    row = db.session.get(CodeLogTotal, TOTAL_ROW)
    if row is None:
        db.session.add(CodeLogTotal(id=TOTAL_ROW, count=exact))
    else:
        row.count = exact
    db.session.commit()
    return exact


def add_to_total(rows: int) -> None:
    """Count rows added (or, negative, deleted) in the caller's transaction.

    Without a counter row (a fresh install, or a bulk load that dropped it) this does
    nothing: the next :func:`total` rebuilds it with one COUNT(*).
    """
    db.session.execute(_ADD_TO_TOTAL, {"rows": rows})


# Runs with every send: built once, on the table rather than the ORM entity, so no ORM
# bookkeeping for bulk UPDATEs runs either.
_TOTALS = CodeLogTotal.__table__
_ADD_TO_TOTAL = (_TOTALS.update().where(_TOTALS.c.id == TOTAL_ROW)
                 .values(count=_TOTALS.c.count + bindparam("rows")))


def prune(before: datetime) -> int:
    """Delete log rows created before ``before``; keeps the total counter right."""
    deleted = db.session.execute(db.delete(VerificationCode)
                                 .where(VerificationCode.created_at < before)).rowcount or 0
    add_to_total(-deleted)
    db.session.commit()
    return deleted
