"""When a scheduled event is sent: ``send_at`` as the API, the CLI and the admin page give it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core import clock
from services.notify.dispatch import NotifyError

MAX_SCHEDULE = timedelta(days=366)


def parse_send_at(value: Any) -> datetime | None:
    """``send_at``: ISO 8601 with its zone ("2026-12-24T09:00:00+08:00") or Unix seconds;
    a time in the past sends now, more than a year ahead is refused."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            when = datetime.fromtimestamp(value, UTC)
        elif isinstance(value, str) and len(value) <= 40:
            when = datetime.fromisoformat(value)
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError):
        raise NotifyError("bad_request", '"send_at" must be ISO 8601 with a time zone or '
                                         'Unix seconds') from None
    if when.tzinfo is None:
        raise NotifyError("bad_request", '"send_at" needs a time zone, e.g. +08:00 or Z')
    if when > clock.now() + MAX_SCHEDULE:
        raise NotifyError("bad_request", '"send_at" is more than a year ahead')
    return when.astimezone(UTC)
