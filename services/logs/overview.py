"""The admin Overview's figures: today and the last 7 days, per channel and gateway.

Days are the site's days (Basic → time zone), cut at its midnights. Rows are bucketed by
day with a CASE over those midnights, computed here in Python, and counted with GROUP BY:
no dialect's date functions, so one query reads the same on SQLite, PostgreSQL and
MariaDB, on the ``created_at`` index, however many rows the week holds.

The answer is cached for a few seconds: every admin lands on this page, and the figures
may be half a minute old.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

from core import clock, settings
from extensions import cache, db
from models.code import CODE_REFUSED, VerificationCode
from models.delivery import DELIVERY_DELIVERED, STATUS_FAILED, STATUS_SENT, DeliveryAttempt
from services.notify import events

DAYS = 7  # today and the six days before it
TOP_FAILURES = 5
# The send limits of SPEC section 5: the daily caps and the 60-second interval.
CAP_ERRORS = ("code_limit", "code_interval")
CACHE_SECONDS = 30


@dataclass
class Figures:
    """Attempts that reached a gateway: sent, failed, and sent ones reported delivered.

    Skipped attempts (circuit breaker open, no destination) never reached a gateway and
    are not counted.
    """

    sent: int = 0
    failed: int = 0
    delivered: int = 0

    @property
    def rate(self) -> float | None:
        """Sent ÷ (sent + failed); None when nothing reached the gateway."""
        reached = self.sent + self.failed
        return self.sent / reached if reached else None

    def add(self, status: str, delivered: bool, count: int) -> None:
        if status == STATUS_SENT:
            self.sent += count
            self.delivered += count if delivered else 0
        else:
            self.failed += count


@dataclass
class GatewayRow:
    channel: str
    gateway: str
    today: Figures = field(default_factory=Figures)
    week: Figures = field(default_factory=Figures)


@dataclass
class Tally:
    """A catalog code counted today and over the week."""

    error: str
    today: int = 0
    week: int = 0


@dataclass
class Overview:
    days: list[date]  # the site's local days, oldest first; the last one is today
    rows: list[GatewayRow]
    totals: GatewayRow  # every channel and gateway together
    per_day: dict[str, list[Figures]]  # channel → its figures for each of ``days``
    failures: list[Tally]  # the most frequent failure codes of the week, most first
    refusals: list[Tally]  # code requests refused by a send limit, per catalog code

    @property
    def today(self) -> date:
        return self.days[-1]


def overview() -> Overview:
    """The figures as of now (at most ``CACHE_SECONDS`` old)."""
    zone = settings.get("basic.timezone")
    now = clock.now()
    # The key moves with the clock, so a held clock (tests) gets fresh figures when moved.
    key = f"overview:{zone}:{int(now.timestamp()) // CACHE_SECONDS}"
    found = cache.get(key)
    if found is None:
        found = build(now, zone)
        cache.set(key, found, timeout=CACHE_SECONDS)
    return found


def build(now: datetime, zone: str) -> Overview:
    days, starts = day_starts(now, zone)
    rows: dict[tuple[str, str], GatewayRow] = {}
    totals = GatewayRow("", "")
    per_day: dict[str, list[Figures]] = {}
    failures: dict[str, Tally] = {}
    for channel, gateway, status, delivered, error, day, count in _attempt_groups(starts):
        row = rows.setdefault((channel, gateway), GatewayRow(channel, gateway))
        for target in (row, totals):
            target.week.add(status, delivered, count)
            if day == DAYS - 1:
                target.today.add(status, delivered, count)
        per_day.setdefault(channel, [Figures() for _ in days])[day].add(status, delivered,
                                                                         count)
        if status == STATUS_FAILED:
            _count(failures, error, day, count)
    ranked = sorted(failures.values(), key=lambda t: (-t.week, t.error))[:TOP_FAILURES]
    return Overview(days=days, rows=sorted(rows.values(), key=_row_order), totals=totals,
                    per_day={c: per_day[c] for c in sorted(per_day, key=_channel_place)},
                    failures=ranked, refusals=_refusals(starts))


def day_starts(now: datetime, zone: str) -> tuple[list[date], list[datetime]]:
    """The site's last ``DAYS`` days and their midnights, plus tomorrow's (aware UTC).

    Each midnight is made from its own date, so a day of a daylight-saving change is
    23 or 25 hours long as it is on the site's clock.
    """
    local_zone = ZoneInfo(zone)
    today = now.astimezone(local_zone).date()
    days = [today - timedelta(days=back) for back in range(DAYS - 1, -1, -1)]
    starts = [datetime.combine(day, time.min, tzinfo=local_zone).astimezone(UTC)
              for day in [*days, today + timedelta(days=1)]]
    return days, starts


def _day_index(column, starts: list[datetime]):
    """0 for the oldest day up to ``DAYS - 1`` for today, as SQL."""
    return case(*[(column >= starts[index], index) for index in range(DAYS - 1, 0, -1)],
                else_=0)


def _attempt_groups(starts: list[datetime]):
    """(channel, gateway, status, delivered?, error, day, count) of the week's attempts."""
    delivered = case((DeliveryAttempt.delivery_status == DELIVERY_DELIVERED, 1), else_=0)
    # Grouped in an outer query on the labelled columns: PostgreSQL would not see a CASE
    # with bound parameters in GROUP BY as the same expression as in the SELECT list.
    inner = (db.select(DeliveryAttempt.channel, DeliveryAttempt.gateway, DeliveryAttempt.status,
                       delivered.label("delivered"), DeliveryAttempt.error,
                       _day_index(DeliveryAttempt.created_at, starts).label("day"))
             .where(DeliveryAttempt.created_at >= starts[0],
                    DeliveryAttempt.created_at < starts[-1],
                    DeliveryAttempt.status.in_((STATUS_SENT, STATUS_FAILED)))
             .subquery())
    columns = (inner.c.channel, inner.c.gateway, inner.c.status, inner.c.delivered,
               inner.c.error, inner.c.day)
    for *keys, count in db.session.execute(db.select(*columns, func.count())
                                           .group_by(*columns)):
        channel, gateway, status, was_delivered, error, day = keys
        yield channel, gateway, status, bool(was_delivered), error or "", int(day), int(count)


def _refusals(starts: list[datetime]) -> list[Tally]:
    """Code requests refused by a send limit this week, every limit listed (zero too)."""
    inner = (db.select(VerificationCode.error,
                       _day_index(VerificationCode.created_at, starts).label("day"))
             .where(VerificationCode.status == CODE_REFUSED,
                    VerificationCode.created_at >= starts[0],
                    VerificationCode.created_at < starts[-1],
                    VerificationCode.error.in_(CAP_ERRORS))
             .subquery())
    tallies = {error: Tally(error) for error in CAP_ERRORS}
    query = db.select(inner.c.error, inner.c.day, func.count()).group_by(inner.c.error,
                                                                          inner.c.day)
    for error, day, count in db.session.execute(query):
        _count(tallies, error, int(day), int(count))
    return list(tallies.values())


def _count(tallies: dict[str, Tally], error: str, day: int, count: int) -> None:
    tally = tallies.setdefault(error, Tally(error))
    tally.week += count
    if day == DAYS - 1:
        tally.today += count


def _channel_place(channel: str) -> int:
    """Channels in the notification matrix's order (SMS, email, in-site, WeChat)."""
    channels = events.ALL_CHANNELS
    return channels.index(channel) if channel in channels else len(channels)


def _row_order(row: GatewayRow) -> tuple:
    """Channels in the matrix's order, then the busiest gateway first."""
    return (_channel_place(row.channel), -row.week.sent, row.gateway)

