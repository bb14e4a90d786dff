"""Who a job reaches: one member or admin, a list of member ids, all members, or the
members matching the admin page's search. Disabled members are never reached."""

from __future__ import annotations

from typing import Any

from extensions import db
from models import Admin, Member
from models.member import MEMBER_ACTIVE
from services.members import admin as member_search
from services.notify.dispatch import NotifyError

MEMBER, ADMIN = "member", "admin"  # one recipient
ALL, LIST, FILTER = "all", "list", "filter"  # a broadcast
BROADCASTS = (ALL, LIST, FILTER)
MAX_LIST = 10_000  # ids in one request; more is "all" or several calls


def describe(audience: str, member_ids: list[int] | None,
             member_filter: dict[str, str] | None) -> dict[str, Any]:
    """The stored form of a broadcast's audience; NotifyError when it makes no sense."""
    if audience == ALL:
        return {}
    if audience == LIST:
        ids = member_ids or []
        if not ids or len(ids) > MAX_LIST or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids):
            raise NotifyError("bad_request", f"members: a list of 1 to {MAX_LIST} member ids")
        return {"ids": sorted(set(ids))}
    if audience == FILTER:
        return {"q": str((member_filter or {}).get("q", ""))[:254]}
    raise NotifyError("bad_request", 'members: "all" or a list of member ids')


def count(audience: str, data: dict[str, Any]) -> int:
    query = _query(audience, data).with_only_columns(db.func.count()).order_by(None)
    return db.session.scalar(query) or 0


def page(audience: str, data: dict[str, Any], after: int, limit: int) -> list[Member]:
    """The next ``limit`` members after id ``after``, in id order (a job's cursor)."""
    query = _query(audience, data).where(Member.id > after).order_by(None) \
        .order_by(Member.id).limit(limit)
    return list(db.session.scalars(query))


def recipient(kind: str, data: dict[str, Any]) -> Any:
    model = Admin if kind == ADMIN else Member
    return db.session.get(model, int(data["id"]))


def _query(audience: str, data: dict[str, Any]):
    if audience == FILTER:
        return member_search.search(data.get("q", ""), status=MEMBER_ACTIVE)
    query = db.select(Member).where(Member.status == MEMBER_ACTIVE)
    if audience == LIST:
        query = query.where(Member.id.in_(data["ids"]))
    return query
