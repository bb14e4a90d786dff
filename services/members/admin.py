"""Site → Members: searching members, their destinations, and disabling / enabling them."""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import Select, or_

from core import audit, clock
from core.phones import parse_phone
from extensions import db
from models import Member, MemberSession
from models.member import MEMBER_ACTIVE, MEMBER_DISABLED
from services.notify import dispatch as notify

STATUSES = (MEMBER_ACTIVE, MEMBER_DISABLED)


def search(term: str, status: str = "") -> Select:
    """Members matching an id, a phone (any format), or part of a phone or email."""
    query = db.select(Member).order_by(Member.id.desc())
    if status in STATUSES:
        query = query.where(Member.status == status)
    term = term.strip()
    if not term:
        return query
    like = f"%{_escape_like(term.lower())}%"
    conditions = [db.func.lower(Member.email).like(like, escape="\\"),
                  Member.phone.like(like, escape="\\"), Member.wechat_openid == term]
    if term.isdigit() and len(term) <= 9:
        conditions.append(Member.id == int(term))
    with suppress(ValueError):  # not a phone number: the other conditions still apply
        conditions.append(Member.phone == parse_phone(term, check_allowed=False))
    return query.where(or_(*conditions))


def destinations(member: Member) -> list[str]:
    """Every address a delivery attempt to this member is logged under."""
    return [d for d in (member.phone, member.email, member.wechat_openid,
                        notify.member_address(member)) if d]


def set_status(member: Member, status: str) -> bool:
    """Disable or enable; disabling also signs the member out everywhere. True if changed."""
    if status not in STATUSES or member.status == status:
        return False
    audit.record("member.disable" if status == MEMBER_DISABLED else "member.enable",
                 f"member:{member.id}", {"status": [member.status, status]})
    member.status = status
    if status == MEMBER_DISABLED:
        db.session.execute(db.update(MemberSession).where(
            MemberSession.member_id == member.id, MemberSession.revoked_at.is_(None))
            .values(revoked_at=clock.now()))
    db.session.commit()
    return True


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
