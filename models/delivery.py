"""Every attempt to deliver a message on any channel, and the log gateway's Outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

STATUS_SENT = "sent"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"  # breaker open, or a channel the recipient cannot receive

# What the provider later reported about a sent message (Twilio callbacks, Alibaba and
# Tencent status pulls). Empty: no report yet, or a provider that gives none.
DELIVERY_SENT = "sent"  # the provider handed it to the carrier; no handset receipt yet
DELIVERY_DELIVERED = "delivered"
DELIVERY_UNDELIVERED = "undelivered"  # ``delivery_error`` says why
DELIVERY_STATUSES = (DELIVERY_SENT, DELIVERY_DELIVERED, DELIVERY_UNDELIVERED)


class DeliveryAttempt(db.Model):
    """One gateway call (or skip): what the logs, the tracer and diagnostics read."""

    __tablename__ = "delivery_attempts"
    __table_args__ = (
        Index("ix_delivery_attempts_destination_created", "destination", "created_at"),
        Index("ix_delivery_attempts_channel_created", "channel", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    gateway: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(64), default="")  # scene or event
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(String(40), default="")  # catalog code
    raw_code: Mapped[str] = mapped_column(String(64), default="")
    raw_message: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(String(128), default="")
    duration_ms: Mapped[int] = mapped_column(default=0)
    test: Mapped[bool] = mapped_column(default=False)  # sent by an admin's Test send
    # The reseller client (POST /api/sms/send) this attempt was sent for; None otherwise.
    api_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="SET NULL"), nullable=True, index=True)
    # Delivery reports (services.delivery.status): seed 000's "sent, but not received".
    delivery_status: Mapped[str] = mapped_column(String(16), default="", server_default="")
    delivery_error: Mapped[str] = mapped_column(String(255), default="", server_default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivery_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class OutboxMessage(db.Model):
    """What the ``log`` gateway "sent": kept for the admin Outbox, content encrypted."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_attempts.id", ondelete="CASCADE"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(254), index=True)
    purpose: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    # Fernet token: it may hold a code
    content: Mapped[str] = mapped_column(Text, info={"encrypted": True})
