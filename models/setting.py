"""Stored values of the typed settings declared in ``core.settings.registry``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime


class SettingValue(db.Model):
    """One setting that differs from its declared default.

    ``value`` is JSON; for a secret it is a Fernet token of that JSON instead.
    """

    __tablename__ = "settings"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Only the secrets' values are tokens ("mixed"): key rotation touches those alone.
    value: Mapped[str] = mapped_column(Text, info={"encrypted": True, "mixed": True})
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
