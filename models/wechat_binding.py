"""WeChat bindings: which official-account follower (openid) receives a member's messages.

``members.wechat_openid`` stays the address dispatch, fan-out, the admin search and the
tracer read; it holds the openid of the member's *active* binding and is empty otherwise.
The binding row keeps the rest: when it was made, and whether the follower unfollowed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

BINDING_ACTIVE = "active"
BINDING_UNSUBSCRIBED = "unsubscribed"  # the follower unfollowed; scanning again revives it


class WechatBinding(db.Model):
    __tablename__ = "wechat_bindings"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           unique=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    # The openid while the binding is active, NULL otherwise: a plain unique constraint then
    # keeps one openid on one member among active bindings on SQLite, PostgreSQL and MariaDB
    # alike (all three let NULLs repeat; MariaDB has no partial indexes).
    active_openid: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=BINDING_ACTIVE)
    bound_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def active(self) -> bool:
        return self.status == BINDING_ACTIVE


class WechatBindToken(db.Model):
    """A one-time scene of a bind QR code; only its SHA-256 is stored."""

    __tablename__ = "wechat_bind_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"),
                                           index=True)
    scene_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
