"""Sending on a channel as configured: gateways from settings, failover, breaker, records.

This is the one place the rest of Herald sends through. It builds gateways from the stored
settings, keeps one gateway object (and so one HTTP connection pool) per configuration and
process, and records every attempt in ``delivery_attempts`` and the log gateway's Outbox.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app

from core import crypto, settings
from core.settings.gateway_settings import gateway_config
from extensions import cache, db
from gateways.base import Gateway, Message, SendResult, gateway_class
from gateways.sender import SKIPPED, CircuitBreaker, Delivery, send_with_failover
from models import DeliveryAttempt, OutboxMessage
from models.delivery import STATUS_FAILED, STATUS_SENT, STATUS_SKIPPED
from services.reseller import attribution as reseller_attribution

LOG_GATEWAY = "log"
_POOL_KEY = "herald_gateways"
_POOL_SIZE = 32
# (connect, read) ceilings of an admin's Test send: it stays synchronous (the admin waits
# for the exact result), so a slow provider must not hold the page, and a web worker, for
# the whole timeout the queue's worker is allowed.
TEST_TIMEOUT = (3.0, 10.0)


def options(channel: str, *, test: bool = False) -> dict[str, Any]:
    connect = settings.get(f"{channel}.connect_timeout")
    read = settings.get(f"{channel}.read_timeout")
    if test:
        connect, read = min(connect, TEST_TIMEOUT[0]), min(read, TEST_TIMEOUT[1])
    return {
        "timeout": (connect, read),
        "allow_private": current_app.config["HERALD_ALLOW_PRIVATE_URLS"],
        "token_store": cache,
    }


def build_gateway(channel: str, name: str, *, test: bool = False) -> Gateway:
    """The gateway ``name`` with its stored settings, reused while they stay the same;
    ``test``: with the Test send's short timeouts."""
    config = gateway_config(channel, name)
    opts = options(channel, test=test)
    fingerprint = hashlib.sha256(json.dumps(
        [channel, name, config, [opts["timeout"], opts["allow_private"]]],
        sort_keys=True, default=str).encode()).hexdigest()
    pool: dict[str, Gateway] = current_app.extensions.setdefault(_POOL_KEY, {})
    gateway = pool.get(fingerprint)
    if gateway is None:
        if len(pool) >= _POOL_SIZE:
            pool.clear()  # old configurations; their sessions close when collected
        gateway = pool[fingerprint] = gateway_class(channel, name)(config, opts)
    return gateway


def forget_gateways() -> None:
    """Drop the reused gateway objects (and their connections); Clear cache calls this."""
    current_app.extensions.pop(_POOL_KEY, None)


def chain(channel: str) -> list[str]:
    """Active gateway first, then the fallbacks (SMS only), each once."""
    names = [settings.get(f"{channel}.gateway")]
    if channel == "sms":
        names += settings.get("sms.fallbacks")
    return list(dict.fromkeys(n for n in names if n and n != "off"))


def breaker(channel: str) -> CircuitBreaker:
    threshold = settings.get("sms.breaker_threshold")
    cooldown = settings.get("sms.breaker_cooldown")
    return CircuitBreaker(cache, threshold=threshold, cooldown=cooldown)


def send(channel: str, message: Message, *, test: bool = False) -> Delivery:
    """Send ``message`` on ``channel`` through the configured chain, now, and record it.

    ``test``: the template editor's Test send, recorded as a test and held to the short
    ``TEST_TIMEOUT``; never through the queue: the admin waits for the exact result.
    """
    delivery = deliver(channel, message, test=test)
    record(channel, message, delivery.attempts, test=test)
    return delivery


def deliver(channel: str, message: Message, *, test: bool = False) -> Delivery:
    """The gateway calls of ``send`` without the records: fan-out records a batch at once
    with ``record_many``."""
    names = chain(channel)
    if not names:
        result = SendResult.failed("", "not_configured",
                                   raw_message=f"no {channel} gateway is active")
        return Delivery(result, [result])
    gateways = [build_gateway(channel, name, test=test) for name in names]
    return send_with_failover(message, gateways, breaker(channel))


def send_through(channel: str, name: str, message: Message) -> SendResult:
    """Test send on a settings tab: exactly one gateway, now (not through the queue: the
    admin waits for the exact result), no failover, the short ``TEST_TIMEOUT``, recorded
    as a test."""
    result = build_gateway(channel, name, test=True).send(message)
    record(channel, message, [result], test=True)
    return result


def record(channel: str, message: Message, attempts: list[SendResult],
           test: bool = False) -> list[int]:
    return record_many([(channel, message, attempts)], test=test)


def record_many(items: list[tuple[str, Message, list[SendResult]]], test: bool = False,
                commit: bool = True) -> list[int]:
    """Record the attempts of several messages (one INSERT each for the attempts and the
    Outbox, one commit); returns the attempt rows' ids in order.

    Core INSERTs: every verification code passes here and nothing reads these rows back as
    objects, so the ORM's unit of work would cost more than the statements. This is the one
    writer of gateway attempts, so it is also where a reseller send is attributed.
    """
    client = reseller_attribution.current()
    rows, logged = [], []
    for channel, message, attempts in items:
        for result in attempts:
            rows.append(_attempt(channel, message, result, test, client))
            if result.ok and result.gateway == LOG_GATEWAY:
                logged.append((len(rows) - 1, channel, message))
    if not rows:
        return []
    ids = _insert_attempts(rows)
    if logged:
        db.session.execute(_INSERT_OUTBOX, [_outbox(ids[i], channel, message)
                                            for i, channel, message in logged])
    if commit:
        db.session.commit()
    return ids


def _attempt(channel: str, message: Message, result: SendResult, test: bool,
             client: int | None) -> dict[str, Any]:
    return {"channel": channel, "gateway": result.gateway or "-",
            "destination": message.to[:254], "purpose": message.purpose[:64],
            "status": _status(result), "error": result.error,
            "raw_code": result.raw_code[:64], "raw_message": result.raw_message,
            "message_id": result.message_id[:128], "duration_ms": round(result.duration_ms),
            "test": test, "api_client_id": client}


def _insert_attempts(rows: list[dict[str, Any]]) -> list[int]:
    if len(rows) == 1:  # nearly always: lastrowid, no RETURNING needed
        return [db.session.execute(_INSERT_ATTEMPT, rows[0]).inserted_primary_key[0]]
    return list(db.session.scalars(_INSERT_ATTEMPTS_RETURNING, rows))


def _status(result: SendResult) -> str:
    if result.ok:
        return STATUS_SENT
    return STATUS_SKIPPED if result.raw_code == SKIPPED else STATUS_FAILED


def _outbox(attempt_id: int, channel: str, message: Message) -> dict[str, Any]:
    body = message.content or json.dumps(dict(message.params), ensure_ascii=False)
    return {"attempt_id": attempt_id, "channel": channel, "destination": message.to[:254],
            "purpose": message.purpose[:64], "subject": message.subject[:255],
            "content": crypto.encrypt(body)}


# Built once: building a statement costs more than running it.
_ATTEMPTS = DeliveryAttempt.__table__
_INSERT_ATTEMPT = _ATTEMPTS.insert()
_INSERT_ATTEMPTS_RETURNING = _ATTEMPTS.insert().returning(_ATTEMPTS.c.id,
                                                          sort_by_parameter_order=True)
_INSERT_OUTBOX = OutboxMessage.__table__.insert()
