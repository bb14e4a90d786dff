"""Running one piece of work in several threads at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable

from extensions import db


def at_once(_app, work: Callable[[], object], threads: int = 6) -> list:
    """Run ``work`` in ``threads`` threads released together, each in its own app context
    and database session; returns what each returned (any error fails the test)."""
    barrier, results, errors = threading.Barrier(threads), [], []

    def run() -> None:
        with _app.app_context():
            try:
                barrier.wait()
                results.append(work())
            except Exception as exc:  # any error fails the test below, with its type
                errors.append(exc)
            finally:
                db.session.remove()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    return results
