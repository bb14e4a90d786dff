"""Verification codes: issue one for a scene and destination, check it, reveal it.

``services.codes.sending`` delivers an issued code; pages send codes through it.

A code is random (``secrets``), stored only as an HMAC keyed from ``SECRET_KEY`` over the
scene, destination, binding, action and the code, and works once. Consumption is one
conditional UPDATE (``consumed_at IS NULL``) whose row count decides, so of many parallel
submissions of the right code exactly one wins, on every supported database.

Wrong tries are counted on the code they were made against, which only its binding (the
session or account that asked for it) can reach: another session's wrong tries never count
against it. A new code starts from the count of the same binding's previous code of the
scene and destination while that one is still within its validity, so asking for another
code does not buy more guesses. Each wrong try also counts against the destination's daily
failure budget (``services.codes.failures``), which turns the captcha on and alerts rather
than killing codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam

from core import clock, settings
from core.log_text import one_line
from extensions import db
from models.base import UTCDateTime
from models.code import (
    CODE_PENDING,
    CODE_REFUSED,
    CODE_SENT,
    CODE_SUPPRESSED,
    VerificationCode,
)
from services.codes import blocks, code_log, failures
from services.codes import limits as send_limits
from services.codes.limits import LimitReached, SendRequest
from services.notify import events
from services.notify import matrix as event_settings

SMS, EMAIL = events.SMS, events.EMAIL
HINT_DIGITS = 2  # the log shows "47****"


@dataclass(frozen=True)
class CodeRequest:
    """Who asks for a code, for which scene, to be sent where."""

    scene: str
    destination: str  # E.164 phone or lower-case email, already validated
    binding: str  # "s:<session>", "m:<member id>" or "a:<admin id>"
    ip: str = ""
    member_id: int | None = None  # the member the destination belongs to, if any
    account_id: int | None = None  # the signed-in account asking (per-account cap)
    action: str = ""  # operation protection: the action the code confirms
    deliver: bool = True  # False: unknown account, send nothing but answer "sent"
    variables: Mapping[str, Any] = field(default_factory=dict)

    @property
    def channel(self) -> str:
        return EMAIL if "@" in self.destination else SMS


@dataclass(frozen=True)
class Issued:
    """A stored code and its plain text, which lives only until it is delivered."""

    id: int
    code: str
    request: CodeRequest
    minutes: int


def issue(request: CodeRequest,
          then: Callable[[Issued, datetime], None] | None = None) -> Issued:
    """Store a new code after the send limits allow it; raise LimitReached otherwise.

    ``then(issued, expires_at)`` runs in the same transaction, before it commits, when the
    code is to be delivered: ``services.codes.sending`` queues its delivery there, so the
    code and its queued message are stored together or not at all.

    A refusal is logged too (the code log shows who hit the cap) and, for a cap, makes the
    automatic captcha ask that IP from now on.
    """
    if request.channel not in events.get(request.scene).channels:
        raise ValueError(f"scene {request.scene} cannot be sent by {request.channel}")
    switched_off = _switched_off(request)
    if switched_off:
        _log_refusal(request, switched_off)
        raise LimitReached(switched_off)
    rules = settings.get_many(["member.code_length", "member.code_ttl_minutes"])
    length, minutes = rules["member.code_length"], rules["member.code_ttl_minutes"]
    code = f"{secrets.randbelow(10**length):0{length}d}"
    now = clock.now()
    carried = _carried_attempts(request, now)
    try:
        _refuse_blocked(request)
        new_hour = send_limits.reserve(SendRequest(request.scene, request.destination,
                                                   request.ip, request.account_id))
        # A Core INSERT on the table, built once: this runs on every send, and the ORM's
        # unit of work would cost more than the statement itself.
        expires_at = now + timedelta(minutes=minutes)
        code_id = db.session.execute(_INSERT_CODE, _row(
            request, code, carried, now, expires_at)).inserted_primary_key[0]
        code_log.add_to_total(1)
        issued = Issued(code_id, code, request, minutes)
        if then is not None and request.deliver:
            then(issued, expires_at)
        db.session.commit()
    except LimitReached as refusal:
        db.session.rollback()
        _log_refusal(request, refusal.code)
        if refusal.code == "code_limit":
            send_limits.flag_ip(request.ip)
        raise
    if new_hour:
        send_limits.prune()
    return issued


def _switched_off(request: CodeRequest) -> str:
    """The notification matrix (seed 001) can untick a scene or one of its channels."""
    switches = event_settings.get(request.scene)
    if not switches.enabled:
        return "event_disabled"
    return "" if request.channel in switches.channels else "channel_off"


def _refuse_blocked(request: CodeRequest) -> None:
    """Blocks from System → Abuse stop a send before any limit or gateway is touched."""
    phone = request.destination if request.channel == SMS else None
    if blocks.is_blocked(phone=phone, ip=request.ip or None) is not None:
        raise LimitReached("blocked")


def _row(request: CodeRequest, code: str, attempts: int, now, expires_at) -> dict[str, Any]:
    return {
        "scene": request.scene, "channel": request.channel, "destination": request.destination,
        "member_id": request.member_id, "binding": request.binding, "action": request.action,
        "code_hash": code_hash(request.scene, request.destination, request.binding,
                               request.action, code),
        "code_hint": code[:HINT_DIGITS], "code_length": len(code), "attempts": attempts,
        "expires_at": expires_at, "ip": request.ip[:45], "created_at": now,
        "status": CODE_PENDING if request.deliver else CODE_SUPPRESSED,
        "error": "", "raw_code": "", "raw_message": "", "gateway": "",
    }


def _carried_attempts(request: CodeRequest, now) -> int:
    # Per binding: a stranger's wrong tries on a code of their own must not make the
    # victim's next code for the same phone dead on arrival.
    newest = db.session.scalar(_CARRIED, {"scene": request.scene,
                                          "destination": request.destination,
                                          "binding": request.binding, "now": now})
    return newest or 0


# The statements every send runs, built once (building one costs more than running it).
_CODES = VerificationCode.__table__
_INSERT_CODE = _CODES.insert()
_CARRIED = (
    db.select(_CODES.c.attempts)
    .where(_CODES.c.scene == bindparam("scene"),
           _CODES.c.destination == bindparam("destination"),
           _CODES.c.binding == bindparam("binding"),
           _CODES.c.status != CODE_REFUSED,
           _CODES.c.consumed_at.is_(None),
           _CODES.c.expires_at > bindparam("now", type_=UTCDateTime))
    .order_by(_CODES.c.created_at.desc(), _CODES.c.id.desc()).limit(1)
)


def _log_refusal(request: CodeRequest, error: str) -> None:
    db.session.add(VerificationCode(
        scene=request.scene, channel=request.channel, destination=request.destination,
        member_id=request.member_id, binding=request.binding, action=request.action,
        status=CODE_REFUSED, error=error, ip=request.ip[:45], created_at=clock.now(),
        expires_at=clock.now()))
    code_log.add_to_total(1)
    db.session.commit()


def log_invalid_destination(scene: str, raw: str, ip: str, channel: str, error: str) -> None:
    """Record a request refused for its destination (``invalid_phone`` and the like)."""
    db.session.add(VerificationCode(
        # What was typed, but on one line: a CR/LF must not forge a second log entry.
        scene=scene, channel=channel, destination=code_log.as_typed(one_line(raw or "")),
        status=CODE_REFUSED,
        error=error, ip=ip[:45], created_at=clock.now(), expires_at=clock.now()))
    code_log.add_to_total(1)
    db.session.commit()


def check(scene: str, destination: str, binding: str, code: str, action: str = "") -> bool:
    """Consume the code if it is right; wrong, expired, used and unknown all give False."""
    now = clock.now()
    row = _newest(scene, destination, binding, action)
    max_attempts = settings.get("member.code_max_attempts")
    if row is None or row.consumed_at is not None or row.expires_at <= now \
            or row.attempts >= max_attempts:
        return False
    expected = code_hash(scene, destination, binding, action, (code or "").strip())
    if hmac.compare_digest(expected, row.code_hash):
        return _consume(row.id, max_attempts, now)
    # Only the code's own binding gets here (_newest looks it up by binding), so these are
    # guesses at this code; the destination's daily budget counts them in the same commit.
    db.session.execute(db.update(VerificationCode)
                       .where(VerificationCode.id == row.id, VerificationCode.consumed_at.is_(None))
                       .values(attempts=VerificationCode.attempts + 1))
    failures.record(destination, row.ip, now)
    db.session.commit()
    return False


def _newest(scene: str, destination: str, binding: str, action: str) -> VerificationCode | None:
    return db.session.scalar(
        db.select(VerificationCode)
        .where(VerificationCode.scene == scene, VerificationCode.destination == destination,
               VerificationCode.binding == binding, VerificationCode.action == action,
               VerificationCode.status != CODE_REFUSED)
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc()).limit(1))


def _consume(code_id: int, max_attempts: int, now) -> bool:
    result = db.session.execute(
        db.update(VerificationCode)
        .where(VerificationCode.id == code_id, VerificationCode.consumed_at.is_(None),
               VerificationCode.attempts < max_attempts, VerificationCode.expires_at > now)
        .values(consumed_at=now))
    db.session.commit()
    return result.rowcount == 1


def code_hash(scene: str, destination: str, binding: str, action: str, code: str) -> str:
    message = "\x1f".join((scene, destination, binding, action, code)).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def _key() -> bytes:
    """A key for code hashes only, derived from SECRET_KEY (cached per app)."""
    cache = current_app.extensions.setdefault("herald_code_key", {})
    secret = current_app.config["SECRET_KEY"]
    if secret not in cache:
        cache.clear()
        cache[secret] = hmac.new(secret.encode(), b"herald verification codes v1",
                                 hashlib.sha256).digest()
    return cache[secret]


def revealable(row: VerificationCode) -> bool:
    """Whether :func:`reveal` can show this code: sent, unused and still valid."""
    return bool(row.code_hash) and row.consumed_at is None and row.expires_at > clock.now() \
        and row.status in (CODE_SENT, CODE_PENDING)


def reveal(row: VerificationCode) -> str | None:
    """The plain code of a log row still valid, recomputed from its keyed hash.

    Only the first digits are stored (for the mask), so the rest is found by trying each
    possibility against the hash: 10,000 HMACs for six digits. Only the server, which holds
    the key, can do this; a used, expired or unsent code gives None.
    """
    if not revealable(row):
        return None
    missing = row.code_length - len(row.code_hint)
    prefix = "\x1f".join((row.scene, row.destination, row.binding, row.action, row.code_hint))
    base = hmac.new(_key(), prefix.encode(), hashlib.sha256)
    for tail in range(10**missing):
        candidate = base.copy()
        digits = f"{tail:0{missing}d}"
        candidate.update(digits.encode())
        if hmac.compare_digest(candidate.hexdigest(), row.code_hash):
            return row.code_hint + digits
    return None
