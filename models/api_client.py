"""Machine clients of the signed APIs: the business system (events) and resellers (SMS)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import UTCDateTime, utcnow

KIND_EVENTS = "events"  # POST /api/events
KIND_RESELLER = "reseller"  # POST /api/sms/send


class ApiClient(db.Model):
    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)  # the "member ID"
    name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16), index=True)
    # API keys are long random strings, so a plain SHA-256 is enough to store them;
    # the key itself is shown once, at creation.
    api_key_hash: Mapped[str] = mapped_column(String(64))
    sign_key: Mapped[str] = mapped_column(String(500))  # Fernet token of the HMAC key
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiNonce(db.Model):
    """Nonces seen in the replay window; the unique constraint makes acceptance atomic."""

    __tablename__ = "api_nonces"
    __table_args__ = (UniqueConstraint("client_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
