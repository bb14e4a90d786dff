"""Site alerts: conditions an admin must see at once (a banner on every admin page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

ALERT_HOURLY_CEILING = "hourly_ceiling"
ALERT_FAILURE_BUDGET = "code_failure_budget"  # services.codes.failures


class SiteAlert(db.Model):
    __tablename__ = "site_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    message: Mapped[str] = mapped_column(String(500), default="")  # English, for logs / CLI
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # for the banner text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
