"""Members: the hosting provider's customers, who receive codes and notifications."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

MEMBER_ACTIVE = "active"
MEMBER_DISABLED = "disabled"


class Member(db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)  # E.164
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    qq: Mapped[str] = mapped_column(String(16), default="")
    referral_code: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(8), default="")  # "" = site default
    status: Mapped[str] = mapped_column(String(16), default=MEMBER_ACTIVE, index=True)
    # Password protection (密码保护): a question and the argon2 hash of its answer.
    protection_question: Mapped[str] = mapped_column(String(200), default="")
    protection_answer_hash: Mapped[str] = mapped_column(String(255), default="")
    wechat_openid: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def active(self) -> bool:
        return self.status == MEMBER_ACTIVE
