"""Is the queue being worked? What Diagnostics shows and what raises the admin banner.

The figures come from the database, not from Huey: a message whose enqueue was lost
still counts as waiting, and every web process on every box sees the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core import clock
from extensions import cache, db, queue
from models.queue import JOB_QUEUED, OUT_QUEUED, Job, Outgoing, WorkerBeat

LIMIT = timedelta(seconds=60)  # no worker seen, or a message waiting, this long: the banner
CACHE_KEY = "queue-health"
CACHE_SECONDS = 5  # every admin page asks; the answer may be a few seconds old


@dataclass(frozen=True)
class Health:
    inline: bool  # HERALD_QUEUE=immediate: tasks run in the request, no worker needed
    workers: int  # processes seen within LIMIT
    threads: int
    last_seen: datetime | None  # the newest heartbeat of any worker
    waiting: int  # messages and jobs due and not yet taken
    oldest: datetime | None  # when the longest-waiting one became due
    storage: str

    @property
    def oldest_age(self) -> float | None:
        return None if self.oldest is None else (clock.now() - self.oldest).total_seconds()

    @property
    def no_worker(self) -> bool:
        return not self.inline and (self.last_seen is None or
                                    clock.now() - self.last_seen > LIMIT)

    @property
    def behind(self) -> bool:
        return not self.inline and self.oldest is not None and clock.now() - self.oldest > LIMIT

    @property
    def down(self) -> bool:
        """The banner's question: no worker for 60 s, or a message waiting over 60 s."""
        return self.no_worker or self.behind


def health() -> Health:
    now = clock.now()
    beats = db.session.scalars(db.select(WorkerBeat).where(
        WorkerBeat.seen_at > now - LIMIT)).all()
    last_seen = db.session.scalar(db.select(db.func.max(WorkerBeat.seen_at)))
    waiting = 0
    oldest = []
    for model, status in ((Outgoing, OUT_QUEUED), (Job, JOB_QUEUED)):
        due = db.select(db.func.count(), db.func.min(model.due_at)).where(
            model.status == status, model.due_at <= now)
        count, first = db.session.execute(due).one()
        waiting += count or 0
        if first is not None:
            oldest.append(first)  # aggregates keep the column's type: aware UTC
    return Health(inline=queue.immediate, workers=len(beats),
                  threads=sum(b.threads for b in beats), last_seen=last_seen,
                  waiting=waiting, oldest=min(oldest) if oldest else None,
                  storage=type(queue.huey().storage).__name__)


def banner_needed() -> bool:
    """Whether admin pages show the red "no worker" banner (cached a few seconds)."""
    down = cache.get(CACHE_KEY)
    if down is None:
        down = health().down
        cache.set(CACHE_KEY, down, timeout=CACHE_SECONDS)
    return bool(down)
