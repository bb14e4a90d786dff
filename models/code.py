"""Verification codes and the counters behind the send limits.

A code is kept only as a keyed HMAC (``services.codes.issue``), bound to its scene, its
destination, the session or account that asked for it and, for operation protection, the
action. Every send request leaves a row, refused ones included: this table *is* the
verification-code log, so its indexes serve the log's filters at a million rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

# What happened to a send request (the log's "send result").
CODE_PENDING = "pending"  # stored, the gateway call has not answered yet
CODE_SENT = "sent"
CODE_FAILED = "failed"  # the gateway answered with an error (``error`` holds its code)
CODE_REFUSED = "refused"  # a send limit or an invalid destination stopped it
CODE_SUPPRESSED = "suppressed"  # unknown account: nothing sent, the member was told "sent"
CODE_STATUSES = (CODE_PENDING, CODE_SENT, CODE_FAILED, CODE_REFUSED, CODE_SUPPRESSED)


class VerificationCode(db.Model):
    __tablename__ = "verification_codes"
    __table_args__ = (
        # The check and the wrong-try carry-over read the newest code of one (scene,
        # destination, binding) on the first; the log pages newest first (created_at, id)
        # under each filter. The id is spelled out because PostgreSQL indexes do not carry
        # the key implicitly.
        Index("ix_verification_codes_scene_destination", "scene", "destination", "created_at",
              "id"),
        Index("ix_verification_codes_created", "created_at", "id"),
        Index("ix_verification_codes_destination_created", "destination", "created_at", "id"),
        Index("ix_verification_codes_scene_created", "scene", "created_at", "id"),
        Index("ix_verification_codes_status_created", "status", "created_at", "id"),
        Index("ix_verification_codes_channel_created", "channel", "created_at", "id"),
        Index("ix_verification_codes_ip_created", "ip", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    scene: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(254))  # E.164 phone or lower-case email
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True)
    # "s:<session hash>", "m:<member id>" or "a:<admin id>": who may use the code.
    binding: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(64), default="")  # operation protection only
    code_hash: Mapped[str] = mapped_column(String(64), default="")
    code_hint: Mapped[str] = mapped_column(String(8), default="")  # first digits, for masking
    code_length: Mapped[int] = mapped_column(default=0)
    # Wrong tries by the binding, carried over to the same binding's next code.
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=CODE_PENDING)
    error: Mapped[str] = mapped_column(String(40), default="")  # catalog code
    raw_code: Mapped[str] = mapped_column(String(64), default="")
    raw_message: Mapped[str] = mapped_column(String(500), default="")
    gateway: Mapped[str] = mapped_column(String(32), default="")
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_attempts.id", ondelete="SET NULL"), nullable=True)
    ip: Mapped[str] = mapped_column(String(45), default="")

    @property
    def masked_code(self) -> str:
        """47**** — enough for the help desk to match what the member reads out."""
        if not self.code_length:
            return ""
        return self.code_hint + "*" * (self.code_length - len(self.code_hint))


class SendCounter(db.Model):
    """One send-limit bucket (an interval, a daily cap, the hourly ceiling): counters only.

    Limits are taken with a conditional UPDATE on this row (``count < cap``), which every
    supported database serialises on the row lock, so caps hold under concurrent requests.
    """

    __tablename__ = "code_send_counters"

    key: Mapped[str] = mapped_column(String(191), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    resets_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


class CaptchaFlag(db.Model):
    """The automatic captcha is on for ``scope`` ("all", or "ip:<address>") until ``expires_at``.

    Raised when a send limit trips (``services.codes.captcha``); a flag is state with an end,
    not a count, so it has its own table rather than a row among the counters.
    """

    __tablename__ = "captcha_flags"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CodeLogTotal(db.Model):
    """The code log's unfiltered row count, kept with the rows (``services.codes.code_log``).

    A single row (``id`` 1): counting a million rows for every page would cost more than
    adding one in the transaction that stores each code.
    """

    __tablename__ = "code_log_total"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
