"""The worker's side of one message: claim it, send it, retry it or settle it.

Retries follow the failover rule (``gateways.sender.may_fail_over``): only a message that
certainly did not go out (connection refused, throttling, an outage answer) is tried again,
never one whose provider may have it (a read timeout). Each try is recorded like any send;
the wait doubles from ``HERALD_RETRY_DELAY``; a code is not tried after it expires.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import datetime, timedelta

from flask import current_app

from core import clock, crypto, settings
from extensions import db, queue
from gateways.base import SendResult
from gateways.sender import may_fail_over
from models.queue import OUT_FAILED, OUT_QUEUED, OUT_SENT, Outgoing
from services.delivery import messaging, outgoing, workers
from services.reseller.attribution import attributed_to

log = logging.getLogger(__name__)

MAX_RETRY_WAIT = timedelta(minutes=15)


@queue.task(outgoing.DELIVER_TASK)
def deliver(outgoing_id: int) -> None:
    row = outgoing.claim(outgoing_id, workers.me())
    if row is None:
        return  # sent, being sent, not due yet, or gone: another copy of this task won
    try:
        _send(row)
    except Exception:
        # The gateway call may have happened: leave the row in ``sending``; the sweep
        # marks it outcome_unknown rather than risk a second copy.
        db.session.rollback()
        log.exception("delivering outgoing message %s failed", outgoing_id)
        raise


def _send(row: Outgoing) -> None:
    try:
        message, extra = outgoing.message_of(row)
    except crypto.SecretUnreadable:  # its key was removed before a rotation: never sendable
        outgoing.settle(outgoing.Settled(row, OUT_FAILED, "secret_unreadable"))
        db.session.commit()
        return
    now = clock.now()
    if row.expires_at is not None and row.expires_at <= now:
        outgoing.settle(outgoing.Settled(row, OUT_FAILED, "code_expired", extra=extra))
        db.session.commit()
        return
    # A reseller's message is attributed to its client in the attempt rows.
    with attributed_to(row.api_client_id) if row.api_client_id else nullcontext():
        delivery = messaging.deliver(row.channel, message)
        attempt_ids = messaging.record_many([(row.channel, message, delivery.attempts)],
                                            commit=False)
    if not outgoing.still_mine(row, workers.me()):
        db.session.commit()  # the attempts stand; the sweep's verdict too
        log.warning("outgoing message %s was settled by the sweep while it was sent", row.id)
        return
    result = delivery.result
    retry_at = _retry_at(row, result)
    if retry_at is not None:
        row.status, row.due_at, row.claimed_by = OUT_QUEUED, retry_at, ""
        row.error = (result.error or "")[:40]  # the last try's reason, while it waits
        row.attempt_id = attempt_ids[-1] if attempt_ids else None
        db.session.commit()
        outgoing.hand_over([row.id], due_at=retry_at)
        return
    outgoing.settle(outgoing.Settled(
        row, OUT_SENT if result.ok else OUT_FAILED, "" if result.ok else result.error,
        result=result, attempt_id=attempt_ids[-1] if attempt_ids else None, extra=extra))
    db.session.commit()


def _retry_at(row: Outgoing, result: SendResult) -> datetime | None:
    """When to try again, or None: sent, may have gone out, out of tries or of time."""
    if result.ok or not may_fail_over(result):
        return None
    if row.tries >= settings.get(f"{row.channel}.max_tries"):
        return None
    wait = timedelta(seconds=float(current_app.config["HERALD_RETRY_DELAY"]) *
                     2 ** (row.tries - 1))
    at = clock.whole_second(clock.now() + min(wait, MAX_RETRY_WAIT))
    if row.expires_at is not None and at >= row.expires_at:
        return None
    return at
