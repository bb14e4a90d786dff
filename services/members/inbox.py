"""A member's inbox: what they see, the unread count, read / mark all read / delete."""

from __future__ import annotations

from sqlalchemy import Select

from core import clock
from extensions import db
from models import InsiteMessage, Member


def visible(member: Member) -> Select:
    """The member's own messages, newest first, without deleted ones and SMS duplicates."""
    return (db.select(InsiteMessage)
            .where(InsiteMessage.member_id == member.id, InsiteMessage.in_inbox.is_(True),
                   InsiteMessage.deleted.is_(False))
            .order_by(InsiteMessage.id.desc()))


def unread_count(member: Member) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(
        visible(member).where(InsiteMessage.read_at.is_(None)).order_by(None).subquery())) or 0


def get(member: Member, message_id: int) -> InsiteMessage | None:
    """One of the member's visible messages; another member's id finds nothing."""
    return db.session.scalar(visible(member).where(InsiteMessage.id == message_id))


def mark_read(message: InsiteMessage) -> None:
    if message.read_at is None:
        message.read_at = clock.now()
        db.session.commit()


def mark_all_read(member: Member) -> int:
    result = db.session.execute(
        db.update(InsiteMessage)
        .where(InsiteMessage.member_id == member.id, InsiteMessage.read_at.is_(None),
               InsiteMessage.deleted.is_(False))
        .values(read_at=clock.now()))
    db.session.commit()
    return result.rowcount or 0


def delete(message: InsiteMessage) -> None:
    """Hidden from the member; admins keep it (it may be the proof an SMS was sent)."""
    message.deleted = True
    message.read_at = message.read_at or clock.now()
    db.session.commit()
