"""The admin operation log: who did what, when, from where, with before / after values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    admin_id: Mapped[int | None] = mapped_column(nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(64), default="")  # username, or "cli"
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(255), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    # {name: [old, new]} with secrets replaced by a redaction marker.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
