"""The worker process: Huey's consumer, plus a heartbeat that also sweeps.

``flask --app app worker`` calls :func:`run`. Huey's consumer runs the tasks on threads
(a slow provider holds one thread, not the queue) and the periodic tasks (delivery report
polling, log pruning). Beside it one thread says every ``HERALD_WORKER_HEARTBEAT`` seconds
that this worker is alive and, every ``HERALD_SWEEP_SECONDS``, runs the sweep
(``services.delivery.sweep``). Ctrl-C (SIGINT) stops gracefully: the tasks in hand finish
first; SIGTERM stops at once, and the sweep settles what was in flight.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import Flask

from extensions import db, queue
from services.delivery import sweep, workers

log = logging.getLogger(__name__)

# Huey's SQLite storage is polled: these keep an idle queue's first message under 100 ms.
# Redis storage blocks on the list instead and needs no polling.
POLL = {"initial_delay": 0.02, "backoff": 1.2, "max_delay": 0.1}


class NothingToConsume(RuntimeError):
    """The app runs its tasks inline (``HERALD_QUEUE=immediate``): no worker is needed."""


def run(app: Flask, threads: int) -> None:
    huey = queue.consumable(app)
    if huey.immediate:
        raise NothingToConsume("HERALD_QUEUE=immediate runs tasks inline: there is nothing to "
                           "consume. Unset it to run a worker.")
    name = workers.me()
    stop = threading.Event()
    beating = threading.Thread(target=_heartbeat, args=(app, name, threads, stop),
                               name="herald-heartbeat", daemon=True)
    with app.app_context():
        workers.beat(name, threads)
        sweep.sweep()  # what a killed predecessor left, before new work
        db.session.remove()
    beating.start()
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=True,
                                    scheduler_interval=1, check_worker_health=True, **POLL)
    log.info("worker %s: %d threads on %s", name, threads, type(huey.storage).__name__)
    try:
        consumer.run()
    finally:
        stop.set()
        beating.join(timeout=5)
        with app.app_context():
            workers.leave(name)


def _heartbeat(app: Flask, name: str, threads: int, stop: threading.Event) -> None:
    beat_every = float(app.config["HERALD_WORKER_HEARTBEAT"])
    sweep_every = float(app.config["HERALD_SWEEP_SECONDS"])
    next_sweep = time.monotonic() + sweep_every
    while not stop.wait(beat_every):
        with app.app_context():
            try:
                workers.beat(name, threads)
                if time.monotonic() >= next_sweep:
                    sweep.sweep()
                    next_sweep = time.monotonic() + sweep_every
            except Exception:  # a database hiccup must not stop the heartbeat for good
                db.session.rollback()
                log.exception("heartbeat of worker %s failed", name)
            finally:
                db.session.remove()
