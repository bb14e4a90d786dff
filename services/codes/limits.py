"""Send limits for verification codes, checked before any gateway is called.

Every limit is a row of ``code_send_counters`` taken with one conditional UPDATE
(``count < cap``, or the window has passed). PostgreSQL and MariaDB lock the row for the
UPDATE and re-check the condition against the committed value; SQLite runs one writer at a
time. So N concurrent requests against a cap of C succeed exactly min(N, C) times. Rows are
taken in key order, so two requests never wait on each other's rows in opposite order.

The caller runs :func:`reserve` inside the transaction that stores the code: a refusal rolls
the whole transaction back, so a refused request never uses up a slot of another limit.

The table holds counters only. A tripped limit turns the automatic captcha on through
``services.codes.captcha`` (its own flags table), whose replays are kept in ``core.replay``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import Integer, String, TextClause, bindparam, text

from core import clock, settings
from core.catalog.refusal import Refusal
from extensions import db
from models.alert import ALERT_HOURLY_CEILING, SiteAlert
from models.base import UTCDateTime
from models.code import SendCounter
from services.codes import captcha

HOUR_KEY = "hour"  # the site-wide hourly ceiling's counter
UNCAPPED = 2**31 - 1  # a counter that only counts (the hour, wrong tries per destination)
FLAG_TRIPPED_FOR = timedelta(hours=1)  # how long a tripped limit keeps the captcha on
PRUNE_AFTER = timedelta(days=1)  # expired counters (and captcha flags) older than this go
_MAX_KEY = 191


class LimitReached(Refusal):
    """A send limit refused the request; ``code`` is the catalog code to show."""

    def __init__(self, code: str, retry_after: int = 0):
        super().__init__(code)
        self.retry_after = retry_after


@dataclass(frozen=True)
class SendRequest:
    scene: str
    destination: str  # E.164 phone or lower-case email
    ip: str
    account_id: int | None = None  # the signed-in account asking, for the per-account cap


@dataclass(frozen=True)
class _Bucket:
    key: str
    cap: int
    resets_at: datetime
    code: str


def reserve(request: SendRequest) -> bool:
    """Take one slot of every limit that applies, or raise :class:`LimitReached`.

    Must run inside the caller's transaction; the caller rolls back on a refusal. Returns
    True for the first send of a new hour: the caller then runs :func:`prune` after its
    commit (not inside: deleting rows other requests may be taking could deadlock).
    """
    now = clock.now()
    buckets = sorted(_buckets(request, now), key=lambda b: b.key)
    if db.session.get_bind().dialect.name == "mysql":
        for bucket in buckets:
            if not take(bucket.key, bucket.cap, bucket.resets_at, now):
                raise LimitReached(bucket.code, _retry_after(bucket, now))
        return _count_hour(now)
    # SQLite and PostgreSQL: every bucket and the hour in one statement, rows in the same
    # order as above (the buckets by key, the hour last). A bucket at its cap comes back
    # without a row; the caller's rollback then undoes the slots the others took.
    hour = _Bucket(HOUR_KEY, UNCAPPED, clock.next_hour(now), "")
    counts = _take_many([*buckets, hour], now)
    for bucket in buckets:
        if bucket.key not in counts:
            raise LimitReached(bucket.code, _retry_after(bucket, now))
    return _hour_counted(counts[HOUR_KEY], now)


def _buckets(request: SendRequest, now: datetime) -> list[_Bucket]:
    limits = settings.get_many(["member.code_interval_seconds", "member.daily_cap_phone",
                                "member.daily_cap_ip", "member.daily_cap_account",
                                "basic.timezone"])
    day_end = clock.next_midnight(now, limits["basic.timezone"])
    interval = timedelta(seconds=limits["member.code_interval_seconds"])
    buckets = [
        _Bucket(_key("interval", request.scene, request.destination), 1, now + interval,
                "code_interval"),
        _Bucket(_key("day", "dest", request.destination), limits["member.daily_cap_phone"],
                day_end, "code_limit"),
        _Bucket(_key("day", "ip", request.ip), limits["member.daily_cap_ip"], day_end,
                "code_limit"),
    ]
    if request.account_id is not None:
        buckets.append(_Bucket(_key("day", "account", str(request.account_id)),
                               limits["member.daily_cap_account"], day_end, "code_limit"))
    return buckets


def _key(*parts: str) -> str:
    key = ":".join(parts)
    if len(key) > _MAX_KEY:  # a 254-character email: keep the key unique but short
        key = ":".join(parts[:-1]) + ":sha256:" + hashlib.sha256(parts[-1].encode()).hexdigest()
    return key


def take(key: str, cap: int, resets_at: datetime, now: datetime) -> bool:
    """Add one to the counter ``key`` unless it is at ``cap`` within its window.

    A counter whose window has passed starts again at 1 with the new ``resets_at``.
    """
    return _take(key, cap, resets_at, now) is not None


def count(parts: tuple[str, ...], resets_at: datetime, now: datetime) -> int:
    """Add one to the uncapped counter named by ``parts`` and return its new value.

    For counts that trip something rather than refuse (``services.codes.failures``): the
    same row-locked upsert as the caps, so exactly one caller sees each value.
    """
    return _take(_key(*parts), UNCAPPED, resets_at, now) or 0


def _take(key: str, cap: int, resets_at: datetime, now: datetime) -> int | None:
    """The counter's new value, or None when it was at ``cap``."""
    if db.session.get_bind().dialect.name == "mysql":
        return _take_mariadb(key, cap, resets_at, now)
    # SQLite and PostgreSQL: one statement creates, resets or bumps the row and says what
    # came of it (no row back: the cap refused it). It runs on every send, so it is
    # spelled out once rather than built anew each time.
    row = db.session.execute(_UPSERT, {"key": key, "cap": cap, "resets_at": resets_at,
                                       "now": now}).first()
    return None if row is None else row[0]


_UPSERT = text("""
    INSERT INTO code_send_counters ("key", count, resets_at) VALUES (:key, 1, :resets_at)
    ON CONFLICT ("key") DO UPDATE SET
        count = CASE WHEN code_send_counters.resets_at <= :now THEN 1
                     ELSE code_send_counters.count + 1 END,
        resets_at = CASE WHEN code_send_counters.resets_at <= :now THEN :resets_at
                         ELSE code_send_counters.resets_at END
    WHERE code_send_counters.resets_at <= :now OR code_send_counters.count < :cap
    RETURNING count
""").bindparams(bindparam("resets_at", type_=UTCDateTime), bindparam("now", type_=UTCDateTime),
                bindparam("cap", type_=Integer), bindparam("key", type_=String))


def _take_many(buckets: list[_Bucket], now: datetime) -> dict[str, int]:
    """Take one slot of each bucket with one upsert: {key: new count} of those taken.

    Each row is decided exactly as :data:`_UPSERT` decides one (same locks, same
    re-check), its cap picked by key and its new window taken from its own VALUES row.
    """
    params: dict[str, object] = {"now": now}
    for i, bucket in enumerate(buckets):
        params.update({f"key_{i}": bucket.key, f"cap_{i}": bucket.cap,
                       f"resets_at_{i}": bucket.resets_at})
    rows = db.session.execute(_upsert_many(len(buckets)), params)
    return dict(rows.all())


@lru_cache(maxsize=8)
def _upsert_many(size: int) -> TextClause:
    """The upsert of ``size`` buckets, written once per size (4 or 5 on a send)."""
    values = ", ".join(f"(:key_{i}, 1, :resets_at_{i})" for i in range(size))
    caps = " ".join(f"WHEN :key_{i} THEN CAST(:cap_{i} AS INTEGER)" for i in range(size))
    # Only numbered placeholders are spliced in: every value is a bound parameter.
    statement = text(f"""
        INSERT INTO code_send_counters ("key", count, resets_at) VALUES {values}
        ON CONFLICT ("key") DO UPDATE SET
            count = CASE WHEN code_send_counters.resets_at <= :now THEN 1
                         ELSE code_send_counters.count + 1 END,
            resets_at = CASE WHEN code_send_counters.resets_at <= :now THEN excluded.resets_at
                             ELSE code_send_counters.resets_at END
        WHERE code_send_counters.resets_at <= :now
           OR code_send_counters.count < CASE code_send_counters."key" {caps} END
        RETURNING "key", count
    """)  # noqa: S608
    types = [bindparam("now", type_=UTCDateTime)]
    for i in range(size):
        types += [bindparam(f"key_{i}", type_=String), bindparam(f"cap_{i}", type_=Integer),
                  bindparam(f"resets_at_{i}", type_=UTCDateTime)]
    return statement.bindparams(*types)


# MariaDB has no conditional upsert (no WHERE on ON DUPLICATE KEY UPDATE) and no RETURNING
# on it, so the outcome comes back through LAST_INSERT_ID(expr), which the server hands to
# the client with the statement's answer (``cursor.lastrowid``): the new count, or 0 when
# the cap refused. The row's exclusive lock is taken at once, as with the upsert above.
# count is assigned first: MariaDB applies SET clauses left to right, and the resets_at test
# must still see the old value.
_UPSERT_MARIADB = text("""
    INSERT INTO code_send_counters (`key`, count, resets_at)
    VALUES (:key, LAST_INSERT_ID(1), :resets_at)
    ON DUPLICATE KEY UPDATE
        count = IF(resets_at <= :now, LAST_INSERT_ID(1),
                   IF(count < :cap, LAST_INSERT_ID(count + 1), count + LAST_INSERT_ID(0))),
        resets_at = IF(resets_at <= :now, :resets_at, resets_at)
""").bindparams(bindparam("resets_at", type_=UTCDateTime), bindparam("now", type_=UTCDateTime),
                bindparam("cap", type_=Integer), bindparam("key", type_=String))


def _take_mariadb(key: str, cap: int, resets_at: datetime, now: datetime) -> int | None:
    result = db.session.execute(_UPSERT_MARIADB, {"key": key, "cap": cap,
                                                  "resets_at": resets_at, "now": now})
    return result.lastrowid or None


def _retry_after(bucket: _Bucket, now: datetime) -> int:
    if bucket.code != "code_interval":
        return 0
    row = db.session.get(SendCounter, bucket.key)
    # Rounded up, not "+ 1": 60 s left is 60, not 61 (the button counts down from it).
    return max(1, math.ceil((row.resets_at - now).total_seconds())) if row else 1


def _count_hour(now: datetime) -> bool:
    """Count the send against the site-wide hourly ceiling (see :func:`_hour_counted`)."""
    return _hour_counted(_take(HOUR_KEY, UNCAPPED, clock.next_hour(now), now), now)


def _hour_counted(count: int, now: datetime) -> bool:
    """Crossing the ceiling turns the captcha on for everyone and raises an alert (exactly
    once: only one request sees the count step from the ceiling to one past it). True for
    the hour's first send."""
    ceiling = settings.get("member.hourly_ceiling")
    if count == ceiling + 1:
        captcha.turn_on(captcha.EVERYONE, now + FLAG_TRIPPED_FOR)
        db.session.add(SiteAlert(
            kind=ALERT_HOURLY_CEILING,
            message=f"More than {ceiling} verification codes were requested within one hour; "
                    "the captcha is now on for everyone.",
            details={"ceiling": ceiling, "at": now.isoformat()}))
    return count == 1


def prune() -> int:
    """Drop counters and captcha flags long past their window (once an hour, after the
    hour's first send)."""
    cutoff = clock.now() - PRUNE_AFTER
    deleted = db.session.execute(db.delete(SendCounter).where(
        SendCounter.resets_at < cutoff)).rowcount
    captcha.prune_flags(cutoff)
    db.session.commit()
    return deleted or 0


def flag_ip(ip: str) -> None:
    """Note that ``ip`` tripped a limit: the automatic captcha turns on for it. Commits."""
    if ip:
        captcha.turn_on(captcha.ip_scope(ip), clock.now() + FLAG_TRIPPED_FOR)
        db.session.commit()
