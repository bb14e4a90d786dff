"""The tracer: "why did member X not get the message?" (SPEC 9, seed 000).

Given a phone (any format; stored and searched in E.164), an email or a member, it lists
every attempt of the last days across verification codes and notifications, the event
matrix (is SMS ticked for that event?) and the member's in-site copies, which prove the
panel sent an SMS (seed 000: 站内消息 holds a copy of every SMS sent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core import clock
from core.catalog.refusal import Refusal
from core.phones import InvalidPhone, parse_phone
from extensions import db
from models import DeliveryAttempt, InsiteMessage, Member, VerificationCode
from models.delivery import DELIVERY_DELIVERED, STATUS_SENT
from services.notify import events
from services.notify import matrix as event_settings

MAX_DAYS = 90
MAX_ROWS = 500
INSITE_MATCH = timedelta(minutes=5)  # an SMS and its in-site copy are made together


class TraceInputError(Refusal, ValueError):
    """Neither a phone, an email nor a known member; ``code`` is the catalog code."""


@dataclass
class TraceRow:
    at: datetime
    kind: str  # code | notification
    purpose: str
    channel: str
    gateway: str
    result: str  # sent | failed | skipped | refused | suppressed | pending
    error: str = ""
    raw_code: str = ""
    raw_message: str = ""
    destination: str = ""
    attempt: DeliveryAttempt | None = None  # for the delivery status and its button
    code_hint: str = ""  # the masked code (47****)
    insite_copy: bool | None = None  # SMS notifications of a known member only
    test: bool = False


@dataclass
class Trace:
    query: str
    destinations: list[str]
    member: Member | None
    days: int
    rows: list[TraceRow] = field(default_factory=list)
    matrix: list[tuple[events.Event, event_settings.Switches]] = field(default_factory=list)
    insite: list[InsiteMessage] = field(default_factory=list)

    @property
    def purposes(self) -> set[str]:
        return {row.purpose for row in self.rows}

    @property
    def sent_not_confirmed(self) -> bool:
        """An SMS left the platform but no handset receipt says it arrived: phone advice."""
        return any(row.channel == "sms" and row.result == STATUS_SENT
                   and row.gateway != "log"
                   and (row.attempt is None or row.attempt.delivery_status != DELIVERY_DELIVERED)
                   for row in self.rows)


def resolve(query: str = "", member_id: int | None = None) -> tuple[list[str], Member | None]:
    """The destinations to search and the member they belong to, if any."""
    if member_id is not None:
        member = db.session.get(Member, member_id)
        if member is None:
            raise TraceInputError("member_not_found")
        return _member_destinations(member), member
    text = (query or "").strip()
    if "@" in text:
        email = text.lower()
        member = db.session.scalar(db.select(Member).where(Member.email == email))
        return (_member_destinations(member) if member else [email]), member
    try:
        phone = parse_phone(text, check_allowed=False)
    except InvalidPhone:
        raise TraceInputError("invalid_phone") from None
    member = db.session.scalar(db.select(Member).where(Member.phone == phone))
    return (_member_destinations(member) if member else [phone]), member


def _member_destinations(member: Member) -> list[str]:
    return [d for d in (member.phone, member.email, member.wechat_openid) if d]


def trace(query: str = "", member_id: int | None = None, days: int = 7) -> Trace:
    days = max(1, min(int(days), MAX_DAYS))
    destinations, member = resolve(query, member_id)
    result = Trace(query, destinations, member, days)
    since = clock.now() - timedelta(days=days)
    result.rows = _rows(destinations, since)
    result.matrix = [(events.get(name), switches)
                     for name, switches in event_settings.matrix().items()]
    if member is not None:
        result.insite = _insite(member, since)
        _mark_insite_copies(result.rows, result.insite)
    return result


def _rows(destinations: list[str], since: datetime) -> list[TraceRow]:
    attempts = list(db.session.scalars(
        db.select(DeliveryAttempt)
        .where(DeliveryAttempt.destination.in_(destinations),
               DeliveryAttempt.created_at >= since)
        .order_by(DeliveryAttempt.id.desc()).limit(MAX_ROWS)))
    codes = list(db.session.scalars(
        db.select(VerificationCode)
        .where(VerificationCode.destination.in_(destinations),
               VerificationCode.created_at >= since)
        .order_by(VerificationCode.id.desc()).limit(MAX_ROWS)))
    by_attempt = {code.attempt_id: code for code in codes if code.attempt_id}
    rows = [_attempt_row(a, by_attempt.get(a.id)) for a in attempts]
    shown = {a.id for a in attempts}
    # Code requests that never reached a gateway (refused at a cap, suppressed, pending)
    # exist only in the code log; those that did are already listed through their attempt.
    rows += [_code_row(c) for c in codes if not c.attempt_id or c.attempt_id not in shown]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:MAX_ROWS]


def _attempt_row(attempt: DeliveryAttempt, code: VerificationCode | None) -> TraceRow:
    scene = attempt.purpose in events.SCENES
    return TraceRow(attempt.created_at, "code" if scene or code else "notification",
                    attempt.purpose, attempt.channel, attempt.gateway, attempt.status,
                    attempt.error, attempt.raw_code, attempt.raw_message, attempt.destination,
                    attempt, code.masked_code if code else "", test=attempt.test)


def _code_row(code: VerificationCode) -> TraceRow:
    return TraceRow(code.created_at, "code", code.scene, code.channel, code.gateway or "-",
                    code.status, code.error, code.raw_code, code.raw_message,
                    code.destination, None, code.masked_code)


def _insite(member: Member, since: datetime) -> list[InsiteMessage]:
    return list(db.session.scalars(
        db.select(InsiteMessage)
        .where(InsiteMessage.member_id == member.id, InsiteMessage.created_at >= since)
        .order_by(InsiteMessage.id.desc()).limit(50)))


def _mark_insite_copies(rows: list[TraceRow], copies: list[InsiteMessage]) -> None:
    sms_copies = [m for m in copies if m.origin_channel == "sms"]
    for row in rows:
        if row.kind != "notification" or row.channel != "sms" or row.result != STATUS_SENT:
            continue
        row.insite_copy = any(m.origin_event == row.purpose
                              and abs(m.created_at - row.at) <= INSITE_MATCH
                              for m in sms_copies)
