"""Blocks: a phone number, a number prefix or an IP address (or network) that may not
receive or request verification codes. Set in one click from the abuse view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

BLOCK_PHONE = "phone"  # one E.164 number
BLOCK_PREFIX = "prefix"  # E.164 digits a number starts with, e.g. +8617
BLOCK_IP = "ip"  # one address or a network in CIDR form
BLOCK_KINDS = (BLOCK_PHONE, BLOCK_PREFIX, BLOCK_IP)


class Block(db.Model):
    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
