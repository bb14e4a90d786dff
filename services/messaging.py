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

LOG_GATEWAY = "log"
_POOL_KEY = "herald_gateways"
_POOL_SIZE = 32


def options(channel: str) -> dict[str, Any]:
    return {
        "timeout": (settings.get(f"{channel}.connect_timeout"),
                    settings.get(f"{channel}.read_timeout")),
        "allow_private": current_app.config["HERALD_ALLOW_PRIVATE_URLS"],
        "token_store": cache,
    }


def build_gateway(channel: str, name: str) -> Gateway:
    """The gateway ``name`` with its stored settings, reused while they stay the same."""
    config = gateway_config(channel, name)
    opts = options(channel)
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
    """Send ``message`` on ``channel`` through the configured chain and record it."""
    delivery = deliver(channel, message)
    record(channel, message, delivery.attempts, test=test)
    return delivery


def deliver(channel: str, message: Message) -> Delivery:
    """The gateway calls of ``send`` without the records: fan-out records a batch at once
    with ``record_many``."""
    names = chain(channel)
    if not names:
        result = SendResult.failed("", "not_configured",
                                   raw_message=f"no {channel} gateway is active")
        return Delivery(result, [result])
    gateways = [build_gateway(channel, name) for name in names]
    return send_with_failover(message, gateways, breaker(channel))


def send_through(channel: str, name: str, message: Message) -> SendResult:
    """Test send: exactly one gateway, no failover, recorded as a test."""
    result = build_gateway(channel, name).send(message)
    record(channel, message, [result], test=True)
    return result


def record(channel: str, message: Message, attempts: list[SendResult],
           test: bool = False) -> list[DeliveryAttempt]:
    return record_many([(channel, message, attempts)], test=test)


def record_many(items: list[tuple[str, Message, list[SendResult]]], test: bool = False,
                commit: bool = True) -> list[DeliveryAttempt]:
    """Record the attempts of several messages with one flush (and one commit)."""
    rows, logged = [], []
    for channel, message, attempts in items:
        for result in attempts:
            row = DeliveryAttempt(
                channel=channel, gateway=result.gateway or "-", destination=message.to[:254],
                purpose=message.purpose[:64], status=_status(result), error=result.error,
                raw_code=result.raw_code[:64], raw_message=result.raw_message,
                message_id=result.message_id[:128], duration_ms=round(result.duration_ms),
                test=test)
            rows.append(row)
            if result.ok and result.gateway == LOG_GATEWAY:
                logged.append((channel, message, row))
    db.session.add_all(rows)
    if logged:
        db.session.flush()  # the Outbox rows point at the attempts' ids
        # A Core INSERT: nothing reads these rows back as objects, and the unit of work
        # would cost more than the statement (every verification code passes here).
        db.session.execute(_INSERT_OUTBOX, [_outbox(channel, message, row)
                                            for channel, message, row in logged])
    if commit:
        db.session.commit()
    return rows


def _status(result: SendResult) -> str:
    if result.ok:
        return STATUS_SENT
    return STATUS_SKIPPED if result.raw_code == SKIPPED else STATUS_FAILED


def _outbox(channel: str, message: Message, attempt: DeliveryAttempt) -> dict[str, Any]:
    body = message.content or json.dumps(dict(message.params), ensure_ascii=False)
    return {"attempt_id": attempt.id, "channel": channel, "destination": message.to[:254],
            "purpose": message.purpose[:64], "subject": message.subject[:255],
            "content": crypto.encrypt(body)}


_INSERT_OUTBOX = OutboxMessage.__table__.insert()
