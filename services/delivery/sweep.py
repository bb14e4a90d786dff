"""The sweep: what the queue lost is found again, what a dead worker held is settled.

Every worker runs it every ``HERALD_SWEEP_SECONDS`` (and once when it starts):

- a row left in ``sending`` by a worker that is gone is marked ``outcome_unknown`` and is
  never sent again: the provider may have it;
- rows ``queued`` and due for longer than ``GRACE`` while the queue itself holds nothing
  (an enqueue lost with a killed worker, a web process that died between commit and
  enqueue, a queue file deleted) are handed to the queue again. A copy too many costs
  nothing: only one copy wins the claim.

Jobs are swept the same way through the hooks other rooms register with :func:`also`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from core import clock
from extensions import db, queue
from models.queue import OUT_QUEUED, OUT_SENDING, OUT_UNKNOWN, Job, Outgoing
from services.delivery import outgoing, workers

log = logging.getLogger(__name__)

GRACE = timedelta(seconds=10)  # a due row younger than this may still be on its way
BATCH = 500
KEEP_SETTLED = timedelta(days=7)  # the logs keep the attempts; these rows are bookkeeping
KEEP_JOBS = timedelta(days=90)

_ALSO: list[Callable[[], None]] = []


def also(step: Callable[[], None]) -> Callable[[], None]:
    """Run ``step`` in every sweep (jobs: resume the ones a dead worker held)."""
    _ALSO.append(step)
    return step


def sweep() -> None:
    for step in (settle_abandoned, requeue_lost, *_ALSO, _forget_old):
        try:
            step()
        except SQLAlchemyError:
            db.session.rollback()
            log.exception("sweep step %s failed", step.__name__)


def settle_abandoned() -> int:
    """Mark ``outcome_unknown`` every row in ``sending`` whose worker is gone; how many."""
    rows = db.session.scalars(db.select(Outgoing).where(Outgoing.status == OUT_SENDING)
                              .order_by(Outgoing.id).limit(BATCH)).all()
    settled = 0
    verdicts: dict[str, bool] = {}
    for row in rows:
        if row.claimed_by not in verdicts:
            verdicts[row.claimed_by] = workers.gone(row.claimed_by)
        if verdicts[row.claimed_by]:
            message_extra = outgoing.message_of(row)[1]
            outgoing.settle(outgoing.Settled(row, OUT_UNKNOWN, "outcome_unknown",
                                             extra=message_extra))
            settled += 1
    db.session.commit()
    if settled:
        log.warning("%d message(s) left in sending by a stopped worker: outcome_unknown",
                    settled)
    return settled


def requeue_lost() -> int:
    """Hand the queue again the due rows it does not hold; how many."""
    before = lost_before()
    if before is None:
        return 0
    ids = list(db.session.scalars(
        db.select(Outgoing.id).where(Outgoing.status == OUT_QUEUED, Outgoing.due_at <= before)
        .order_by(Outgoing.due_at).limit(BATCH)))
    db.session.rollback()  # end the read before the enqueue writes elsewhere
    outgoing.hand_over(ids)
    return len(ids)


def lost_before() -> datetime | None:
    """Work queued and due before this time is not in the queue: the queue is empty and
    it has waited ``GRACE``; None while the queue works through a backlog."""
    if queue.immediate:
        return clock.now()  # inline: nothing is on its way; a due row waits only for this
    if queue.huey().pending_count():
        return None
    return clock.now() - GRACE


def _forget_old() -> None:
    """Drop settled rows after a week, finished jobs after 90 days, dead workers' rows."""
    now = clock.now()
    db.session.execute(db.delete(Outgoing).where(
        Outgoing.status.not_in((OUT_QUEUED, OUT_SENDING)),
        Outgoing.finished_at < now - KEEP_SETTLED))
    db.session.execute(db.delete(Job).where(Job.finished_at < now - KEEP_JOBS))
    workers.forget_old()
    db.session.commit()
