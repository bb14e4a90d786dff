"""The one clock of Herald: every "now" of the product is ``clock.now()``.

Model column defaults call it too, so a test that holds the clock (the ``frozen`` fixture,
``tests/conftest.py``) moves every timestamp Herald writes or compares, rows included, and
never has to edit a row to make time pass. Provider protocols (request timestamps, signed
API timestamps) read the wall clock instead: the other side compares them with its own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_held: datetime | None = None  # set only through hold(), by tests


def now() -> datetime:
    """Aware UTC now (or the held moment)."""
    return _held if _held is not None else datetime.now(UTC)


def whole_second(moment: datetime) -> datetime:
    """``moment`` without its fraction: what every database stores of it (MariaDB's
    DATETIME rounds a fraction up, which would put a "due now" row a second ahead)."""
    return moment.replace(microsecond=0)


def hold(moment: datetime | None) -> None:
    """Stop the clock at ``moment`` (aware UTC); ``None`` lets it run again."""
    global _held
    _held = moment


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
