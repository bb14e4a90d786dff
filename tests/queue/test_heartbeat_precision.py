"""A heartbeat read back in whole seconds (MariaDB's DATETIME) is not a missed beat.

Found by test_redis_workers.py on MariaDB: with a 0.3 s heartbeat, each worker took the
other, alive and sending, for gone, and marked its messages outcome_unknown.
"""

from __future__ import annotations

from datetime import timedelta

from extensions import db
from models.queue import WorkerBeat
from services.delivery import workers

OTHER = "otherbox:4242:ab12cd34"  # another host: only its heartbeat tells


def test_a_beat_stored_without_its_fraction_still_counts(app, frozen, monkeypatch):
    monkeypatch.setitem(app.config, "HERALD_WORKER_HEARTBEAT", 0.3)
    beat_at = frozen.now + timedelta(seconds=0.95)  # it beat just now...
    frozen.move(seconds=0.95)
    db.session.add(WorkerBeat(id=OTHER, host="otherbox", pid=4242, threads=1,
                              started_at=frozen.now, seen_at=beat_at.replace(microsecond=0)))
    db.session.commit()  # ...and the database kept 0.95 s less of it
    assert not workers.gone(OTHER)
    frozen.move(seconds=2)  # a real silence: three beats and the precision
    assert workers.gone(OTHER)
