"""The abuse view's numbers: the last 24 hours of verification-code requests.

Top phones, IPs and number prefixes by requests, requests per hour, and conversion
(codes checked ÷ codes sent) by country and prefix: SMS pumping shows as many requests to
one prefix or from one IP with almost no code ever checked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func

from core import clock, phones
from extensions import db
from models import SiteAlert, VerificationCode
from models.code import CODE_SENT

WINDOW_HOURS = 24
TOP = 10


@dataclass(frozen=True)
class Tally:
    key: str  # a phone, an IP, a prefix or a country
    requests: int
    sent: int
    checked: int

    @property
    def conversion(self) -> float | None:
        """Codes checked ÷ codes sent; None when nothing was sent."""
        return self.checked / self.sent if self.sent else None


def since(now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(hours=WINDOW_HOURS)


def _tallies(column, start: datetime, where=()) -> list[Tally]:
    sent = func.sum(case((VerificationCode.status == CODE_SENT, 1), else_=0))
    checked = func.sum(case((VerificationCode.consumed_at.is_not(None), 1), else_=0))
    rows = db.session.execute(
        db.select(column, func.count(), sent, checked)
        .where(VerificationCode.created_at >= start, column != "", *where)
        .group_by(column).order_by(func.count().desc()))
    return [Tally(str(key), int(n), int(s or 0), int(c or 0)) for key, n, s, c in rows]


def top_phones(start: datetime) -> list[Tally]:
    return _by_phone(start)[:TOP]


def _by_phone(start: datetime) -> list[Tally]:
    return _tallies(VerificationCode.destination, start, (VerificationCode.channel == "sms",))


def top_ips(start: datetime) -> list[Tally]:
    return _tallies(VerificationCode.ip, start)[:TOP]


# The grouping keys of the abuse page: number prefix (+86138) and country.
phone_prefix = phones.prefix_of


def phone_country(phone: str) -> str:
    return phones.country_of(phone) or "?"


def grouped(start: datetime, key) -> list[Tally]:
    """Per-phone tallies summed under ``key(phone)`` (prefix or country), most first."""
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for tally in _by_phone(start):
        total = sums[key(tally.key)]
        total[0] += tally.requests
        total[1] += tally.sent
        total[2] += tally.checked
    ranked = sorted(sums.items(), key=lambda item: item[1][0], reverse=True)
    return [Tally(k, *v) for k, v in ranked]


def hourly(now: datetime | None = None) -> list[tuple[datetime, int]]:
    """Requests in each of the last 24 hours, oldest first (one indexed count per hour)."""
    end = (now or clock.now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    buckets = []
    for hours_back in range(WINDOW_HOURS, 0, -1):
        start = end - timedelta(hours=hours_back)
        count = db.session.scalar(
            db.select(func.count()).select_from(VerificationCode)
            .where(VerificationCode.created_at >= start,
                   VerificationCode.created_at < start + timedelta(hours=1))) or 0
        buckets.append((start, int(count)))
    return buckets


def alerts(limit: int = 20) -> list[SiteAlert]:
    return list(db.session.scalars(db.select(SiteAlert).order_by(SiteAlert.id.desc())
                                   .limit(limit)))
