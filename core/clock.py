"""The clock the code service and the send limits read; tests replace ``now``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models.base import utcnow


def now() -> datetime:
    """Aware UTC now. Monkeypatch ``core.clock.now`` to move time in tests."""
    return utcnow()


def next_midnight(moment: datetime, timezone: str) -> datetime:
    """The next local midnight after ``moment`` in ``timezone``, as aware UTC.

    Daily caps reset at the site's midnight (Beijing time by default), not at UTC's.
    """
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone) + timedelta(days=1)
    return midnight.astimezone(moment.tzinfo)


def next_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
