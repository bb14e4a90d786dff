"""A reseller's message quota, changed only by conditional UPDATEs.

Reading the quota, checking it and writing it back would let two concurrent sends both take
the last message; ``UPDATE ... SET quota = quota - 1 WHERE quota > 0`` cannot, on SQLite,
PostgreSQL and MariaDB alike, because the database checks and writes in one statement.
"""

from __future__ import annotations

from core import clock
from extensions import db
from models import ResellerAccount


def take_one(account_id: int) -> bool:
    """Take one message from the quota; False when none is left. The caller commits."""
    result = db.session.execute(
        db.update(ResellerAccount)
        .where(ResellerAccount.id == account_id, ResellerAccount.quota > 0)
        .values(quota=ResellerAccount.quota - 1)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def remaining(account_id: int) -> int:
    return int(db.session.scalar(db.select(ResellerAccount.quota)
                                 .where(ResellerAccount.id == account_id)) or 0)


def count_result(account_id: int, sent: bool, refund: bool) -> None:
    """Count a settled send in the usage figures; ``refund`` gives its message back.

    The caller commits: the queue's settling transaction, with the message's end.
    """
    values: dict = {"last_sent_at": clock.now()}
    if sent:
        values["sent_count"] = ResellerAccount.sent_count + 1
    else:
        values["failed_count"] = ResellerAccount.failed_count + 1
    if refund:
        values["quota"] = ResellerAccount.quota + 1
    db.session.execute(db.update(ResellerAccount).where(ResellerAccount.id == account_id)
                       .values(**values).execution_options(synchronize_session=False))


def adjust(account_id: int, delta: int) -> int | None:
    """Add ``delta`` (may be negative) unless the quota would go below zero.

    Returns the new quota, or None when the change was refused. The caller commits, so the
    change and its audit entry are written together.
    """
    result = db.session.execute(
        db.update(ResellerAccount)
        .where(ResellerAccount.id == account_id, ResellerAccount.quota + delta >= 0)
        .values(quota=ResellerAccount.quota + delta)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return None
    return remaining(account_id)
