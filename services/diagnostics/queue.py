"""The delivery queue's panel on Diagnostics: is a worker alive, how much waits, for how long.

The figures are ``services.delivery.health.health()``'s (read from the database, so every
web process on every box agrees); this adds what the page says about them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from core import clock
from extensions import queue
from services.delivery.health import Health, health
from services.diagnostics.result import FAIL, OK, WARN

# Huey's storage classes, as the page names them.
STORAGE = {"SqliteStorage": "SQLite", "RedisStorage": "Redis", "RedisExpireStorage": "Redis",
           "PriorityRedisStorage": "Redis", "MemoryStorage": "memory"}


@dataclass(frozen=True)
class QueuePanel:
    health: Health
    status: str  # ok | warn | fail, as the checks' results
    code: str  # the catalog code of a failure: worker_down
    storage: str  # SQLite, Redis or memory
    location: str  # the SQLite file; never a Redis URL (it may hold a password)

    @property
    def last_seen_age(self) -> float | None:
        seen = self.health.last_seen
        return None if seen is None else max(0.0, (clock.now() - seen).total_seconds())

    @property
    def oldest_age(self) -> float | None:
        age = self.health.oldest_age
        return None if age is None else max(0.0, age)


def panel() -> QueuePanel:
    found = health()
    if found.inline:
        status, code = OK, ""
    elif found.no_worker:
        status, code = FAIL, "worker_down"
    elif found.behind:  # workers beat but do not keep up: more threads or workers
        status, code = WARN, ""
    else:
        status, code = OK, ""
    kind = STORAGE.get(found.storage, found.storage)
    return QueuePanel(found, status, code, kind, _sqlite_file() if kind == "SQLite" else "")


def _sqlite_file() -> str:
    return str(getattr(queue.huey(current_app).storage, "filename", "") or "")
