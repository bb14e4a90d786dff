"""In-site messages: the member's inbox, and the proof that the panel sent an SMS (seed 000)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from extensions import db
from models.base import UTCDateTime
from models.member import Member

ORIGIN_INSITE = "insite"  # rendered from the event's in-site template
ORIGIN_SMS = "sms"  # the in-site copy every sent SMS leaves


class InsiteMessage(db.Model):
    __tablename__ = "insite_messages"
    __table_args__ = (
        Index("ix_insite_messages_member_inbox", "member_id", "in_inbox", "deleted", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    origin_channel: Mapped[str] = mapped_column(String(16), default=ORIGIN_INSITE, index=True)
    origin_event: Mapped[str] = mapped_column(String(64), default="", index=True)
    # An SMS copy stays out of the member's inbox when the same dispatch already left an
    # in-site message there: the admin still sees it, the member sees no duplicate.
    in_inbox: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted: Mapped[bool] = mapped_column(default=False)  # by the member; admins still see it

    member: Mapped[Member] = relationship(lazy="joined")

    @property
    def unread(self) -> bool:
        return self.read_at is None
