"""The login log: every admin and member sign-in attempt, successful or not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

WHO_ADMIN = "admin"
WHO_MEMBER = "member"


class LoginEvent(db.Model):
    __tablename__ = "login_events"
    __table_args__ = (
        # Lockout counts recent failures per account and per IP.
        Index("ix_login_events_who_username_created", "who", "username", "created_at"),
        Index("ix_login_events_who_ip_created", "who", "ip", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    who: Mapped[str] = mapped_column(String(8))  # admin | member
    username: Mapped[str] = mapped_column(String(254))  # as typed (phone, email, username)
    account_id: Mapped[int | None] = mapped_column(nullable=True)
    success: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(16), default="password")  # password | code
    reason: Mapped[str] = mapped_column(String(40), default="")  # catalog code on failure
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")


class PendingAction(db.Model):
    """A protected admin action waiting for its operation-protection code.

    The submitted form is kept encrypted (it may hold a new gateway secret) and replayed
    exactly as submitted once the code is confirmed, once.
    """

    __tablename__ = "pending_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    admin_id: Mapped[int] = mapped_column(index=True)
    session_key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(128))
    path: Mapped[str] = mapped_column(String(500))
    view_args: Mapped[str] = mapped_column(String(1000), default="{}")  # JSON
    # Fernet token of the JSON form pairs
    form: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
