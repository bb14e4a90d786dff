"""Pruning old log rows after the number of days set per log (Basic → Log retention).

Deletes in batches of ids, each batch its own transaction: a million old rows never make
one huge transaction or lock the table for long, and ``DELETE ... WHERE id IN (...)``
works the same on SQLite, PostgreSQL and MySQL (which refuses LIMIT in such subqueries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import g
from huey import crontab
from sqlalchemy import delete, func, select

from core import clock, settings
from extensions import db, queue
from models import AuditEntry, DeliveryAttempt, LoginEvent, OutboxMessage, VerificationCode
from services.codes import code_log

BATCH = 5000


@dataclass(frozen=True)
class Log:
    name: str  # as the CLI prints it
    setting: str  # days to keep; 0 keeps every row
    models: tuple[Any, ...]  # pruned in this order (children before parents)


LOGS = (
    Log("codes", "basic.retention_codes_days", (VerificationCode,)),
    # The Outbox copy goes with its attempt; an orphan copy by its own age.
    Log("notifications", "basic.retention_notifications_days", (OutboxMessage, DeliveryAttempt)),
    Log("audit", "basic.retention_audit_days", (AuditEntry,)),
    Log("logins", "basic.retention_logins_days", (LoginEvent,)),
)


def cutoff(log: Log, now: datetime | None = None) -> datetime | None:
    days = int(settings.get(log.setting))
    return None if days <= 0 else (now or clock.now()) - timedelta(days=days)


def prune(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Rows deleted (or, with ``dry_run``, that would be) per log."""
    counts = {}
    for log in LOGS:
        limit = cutoff(log, now)
        *children, main = log.models
        if limit is None:
            counts[log.name] = 0
        elif dry_run:
            counts[log.name] = _count(main, limit)
        else:
            for model in children:
                _delete(model, limit)
            counts[log.name] = _delete(main, limit)
    return counts


def _count(model: Any, limit: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.created_at < limit)) or 0


def _delete(model: Any, limit: datetime) -> int:
    total = 0
    while True:
        ids = db.session.scalars(select(model.id).where(model.created_at < limit)
                                 .order_by(model.id).limit(BATCH)).all()
        if not ids:
            return total
        if model is DeliveryAttempt:
            # Outbox copies of these attempts, whatever their own age (no orphan left).
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.attempt_id.in_(ids)))
        # The rows this DELETE removed, not the ids read: with workers on two boxes two
        # prunes may meet, and the code log's total must drop once per row.
        deleted = db.session.execute(delete(model).where(model.id.in_(ids))).rowcount
        if model is VerificationCode:
            code_log.add_to_total(-deleted)  # the code log's page total, same transaction
        db.session.commit()
        total += deleted


@queue.periodic("logs_prune", crontab(minute="17", hour="3"))
def prune_daily() -> None:
    """``flask --app app logs prune`` every night at 03:17 UTC (Huey's crontab is in UTC),
    in the worker: no cron needed."""
    g.audit_actor = "worker"
    prune()
