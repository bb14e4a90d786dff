"""The notification log's query: every delivery attempt except verification-code scenes.

Shared by System → Logs → Notification log (page and CSV) and a member's history under
Site → Members.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select

from core import settings
from core.phones import parse_phone
from extensions import db
from models import DeliveryAttempt
from models.delivery import DELIVERY_STATUSES
from services.notify import events

STATUSES = ("sent", "failed", "skipped")
FILTERS = ("destination", "event", "channel", "status", "date_from", "date_to",
           # Set by the Overview's links, which count every attempt of a gateway:
           "gateway", "error", "delivery", "include_codes")


def base_query(include_codes: bool = False) -> Select:
    """Every attempt, newest first; code sends only with ``include_codes`` (the code log
    is where they are read otherwise)."""
    query = db.select(DeliveryAttempt).order_by(DeliveryAttempt.id.desc())
    return query if include_codes else query.where(DeliveryAttempt.purpose.not_in(events.SCENES))


def read_filters(args: Mapping[str, str]) -> dict[str, str]:
    return {key: (args.get(key) or "").strip()[:254] for key in FILTERS}


def filtered(filters: Mapping[str, str]) -> Select:
    query = base_query(include_codes=filters.get("include_codes") == "1")
    for name, column in (("gateway", DeliveryAttempt.gateway), ("error", DeliveryAttempt.error)):
        if filters.get(name):
            query = query.where(column == filters[name])
    if filters.get("delivery") in DELIVERY_STATUSES:
        query = query.where(DeliveryAttempt.delivery_status == filters["delivery"])
    if filters.get("destination"):
        query = query.where(DeliveryAttempt.destination.in_(
            destination_forms(filters["destination"])))
    if filters.get("event"):
        query = query.where(DeliveryAttempt.purpose == filters["event"])
    if filters.get("channel") in events.ALL_CHANNELS:
        query = query.where(DeliveryAttempt.channel == filters["channel"])
    if filters.get("status") in STATUSES:
        query = query.where(DeliveryAttempt.status == filters["status"])
    start, end = day_start(filters.get("date_from")), day_start(filters.get("date_to"), 1)
    if start:
        query = query.where(DeliveryAttempt.created_at >= start)
    if end:
        query = query.where(DeliveryAttempt.created_at < end)
    return query


def destination_forms(raw: str) -> set[str]:
    """What a typed receiver may be stored as: as typed, a phone in E.164, an email lower."""
    forms = {raw}
    if "@" in raw:
        forms.add(raw.lower())
    else:
        with suppress(ValueError):
            forms.add(parse_phone(raw, check_allowed=False))
    return forms


def day_start(raw: str | None, plus_days: int = 0) -> datetime | None:
    """Midnight of a YYYY-MM-DD day in the site's time zone; None when not a date."""
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    zone = ZoneInfo(settings.get("basic.timezone"))
    return datetime.combine(day + timedelta(days=plus_days), time.min, tzinfo=zone)


def for_destinations(destinations: list[str]) -> Select:
    """Every attempt (scenes included) sent to any of ``destinations``: a member's history."""
    return (db.select(DeliveryAttempt)
            .where(DeliveryAttempt.destination.in_([d for d in destinations if d]))
            .order_by(DeliveryAttempt.id.desc()))
