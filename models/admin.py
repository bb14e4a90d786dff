"""Admin accounts and their server-side login sessions."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from extensions import db
from models.base import UTCDateTime

ROLE_SUPER = "super"
ROLE_OPERATOR = "operator"
ROLES = (ROLE_SUPER, ROLE_OPERATOR)


class Admin(UserMixin, db.Model):
    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(16), default=ROLE_SUPER)
    language: Mapped[str] = mapped_column(String(8), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # Ask for an admin_login code after the password (a Basic setting can force it for all).
    login_code: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # Set by the user loader: Flask-Login stores the *session* key, not the admin id, so
    # logging out revokes exactly one server-side session.
    session_key = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_super(self) -> bool:
        return self.role == ROLE_SUPER

    def get_id(self) -> str | None:
        return self.session_key


class LoginSession(db.Model):
    """One signed-in browser. The cookie holds only this row's random key."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True,
                                     default=lambda: secrets.token_urlsafe(32))
    admin_id: Mapped[int] = mapped_column(ForeignKey("admins.id", ondelete="CASCADE"), index=True)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Operation protection: a confirmed code covers this session until then.
    protected_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    admin: Mapped[Admin] = relationship(lazy="joined")
