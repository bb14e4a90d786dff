"""Delivery reports stored on ``delivery_attempts``: Twilio callbacks and status polls.

The logs then tell "sent" (the provider took it) from "delivered" (the handset got it) and
"undelivered (reason)": seed 000's 平台发送成功，客户没收到短信. A report never moves a
message backwards: a late "sent" callback after "delivered" changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import g
from huey import crontab

from core import clock
from extensions import db, queue
from gateways.aliyun_status import query_send_details
from gateways.base import SendResult
from gateways.status import DELIVERED, UNDELIVERED, DeliveryReport, StatusQueryFailed
from gateways.tencent_status import pull_send_status
from models import DeliveryAttempt
from models.delivery import STATUS_SENT

log = logging.getLogger(__name__)

# Gateways whose delivery status Herald can ask for, and the one that reports by itself.
POLLED = ("aliyun", "tencent")
CALLBACK = ("twilio",)
FINAL = (DELIVERED, UNDELIVERED)
MAX_TENCENT_PULLS = 50  # 50 pulls of 100 receipts per run: a backlog drains over a few runs
MAX_ALIYUN_QUERIES = 500  # one request per message: bounded so a cron run stays short


class StatusUnsupported(LookupError):
    """The attempt's gateway offers no status query (``status_unsupported``)."""


@dataclass
class PollSummary:
    checked: int = 0  # attempts asked about (Alibaba) or receipts pulled (Tencent)
    updated: int = 0  # attempts whose delivery status changed
    failures: list[SendResult] = field(default_factory=list)  # queries that failed


def apply(row: DeliveryAttempt, report: DeliveryReport) -> bool:
    """Store ``report`` on ``row``; True when its delivery status changed. No commit."""
    row.delivery_checked_at = clock.now()
    if row.delivery_status in FINAL and report.status not in FINAL:
        return False  # out-of-order report: a final answer is never undone
    changed = (row.delivery_status, row.delivery_error) != (report.status, report.error[:255])
    row.delivery_status = report.status
    row.delivery_error = report.error[:255]
    if report.status == DELIVERED:
        row.delivered_at = report.at or clock.now()
    return changed


def apply_by_id(gateway: str, report: DeliveryReport) -> DeliveryAttempt | None:
    """Find the attempt ``gateway`` sent as ``report.message_id`` and store the report."""
    row = db.session.scalar(
        db.select(DeliveryAttempt)
        .where(DeliveryAttempt.gateway == gateway,
               DeliveryAttempt.message_id == report.message_id)
        .order_by(DeliveryAttempt.id.desc()).limit(1))
    if row is not None:
        apply(row, report)
    return row


def pending(gateway: str, hours: int) -> list[DeliveryAttempt]:
    """Sent attempts of ``gateway`` from the last ``hours`` with no final report."""
    since = clock.now() - timedelta(hours=hours)
    return list(db.session.scalars(
        db.select(DeliveryAttempt)
        .where(DeliveryAttempt.gateway == gateway, DeliveryAttempt.status == STATUS_SENT,
               DeliveryAttempt.message_id != "",
               DeliveryAttempt.delivery_status.not_in(FINAL),
               DeliveryAttempt.created_at >= since)
        .order_by(DeliveryAttempt.id.desc()).limit(MAX_ALIYUN_QUERIES)))


def poll_recent(hours: int = 48) -> dict[str, PollSummary]:
    """Ask Alibaba and Tencent about recent sends (the cron command)."""
    from services.delivery import messaging

    summaries = {}
    rows = pending("aliyun", hours)
    if rows:
        summaries["aliyun"] = _guarded(messaging.build_gateway("sms", "aliyun"),
                                       lambda gw, summary: _poll_aliyun(gw, rows, summary))
    tencent = messaging.build_gateway("sms", "tencent")
    if not tencent.missing_fields():  # configured: its receipt queue may hold reports
        summaries["tencent"] = _guarded(tencent, _poll_tencent)
    db.session.commit()
    return summaries


def _guarded(gateway, poll) -> PollSummary:
    summary = PollSummary()
    if gateway.missing_fields():
        summary.failures.append(SendResult.failed(
            gateway.name, "not_configured",
            raw_message="missing: " + ", ".join(gateway.missing_fields())))
        return summary
    try:
        poll(gateway, summary)
    except StatusQueryFailed as exc:
        # One failure (credentials, network) would repeat for every message: stop here.
        summary.failures.append(exc.result)
    return summary


def _poll_aliyun(gateway, rows: list[DeliveryAttempt], summary: PollSummary) -> None:
    for row in rows:
        report = query_send_details(gateway, row.destination, row.message_id, row.created_at)
        summary.checked += 1
        if report is None:
            row.delivery_checked_at = clock.now()
        elif apply(row, report):
            summary.updated += 1


def _poll_tencent(gateway, summary: PollSummary) -> None:
    # Tencent hands each receipt out once: every pulled receipt is stored before the next
    # pull, and one that matches no attempt (sent by another system) is dropped.
    for _ in range(MAX_TENCENT_PULLS):
        reports = pull_send_status(gateway)
        if not reports:
            return
        for report in reports:
            summary.checked += 1
            row = apply_by_id("tencent", report)
            summary.updated += int(row is not None)
        db.session.commit()


def poll_one(row: DeliveryAttempt) -> PollSummary:
    """The log row's "check delivery" button: this attempt's gateway, now."""
    from services.delivery import messaging

    if row.gateway not in POLLED or row.status != STATUS_SENT or not row.message_id:
        raise StatusUnsupported(row.gateway)
    gateway = messaging.build_gateway("sms", row.gateway)
    if row.gateway == "aliyun":
        summary = _guarded(gateway, lambda gw, summary: _poll_aliyun(gw, [row], summary))
    else:
        summary = _guarded(gateway, _poll_tencent)
    db.session.commit()
    return summary


@queue.periodic("delivery_poll", crontab(minute="*/5"))
def poll_periodically() -> None:
    """``flask --app app delivery poll`` every five minutes, in the worker (no cron needed)."""
    g.audit_actor = "worker"
    for gateway, summary in poll_recent().items():
        for failure in summary.failures:
            log.warning("delivery poll of %s failed: [%s] %s %s", gateway, failure.error,
                        failure.raw_code, failure.raw_message)
