"""The task queue: Huey, bound to the Flask app like any other extension.

Rooms declare their tasks with ``@queue.task("name")`` (and periodic ones with
``@queue.periodic("name", crontab(...))``); ``queue.enqueue("name", *args, eta=...)``
hands one to the worker. Each app gets its own Huey, built from its configuration:

- ``HERALD_QUEUE=immediate`` (tests): tasks run inline, in a fresh app context;
- ``REDIS_URL`` set (or ``HERALD_QUEUE=redis``): Huey's Redis storage, so several workers
  on several boxes share one queue;
- otherwise Huey's SQLite storage in ``instance/`` (``HERALD_QUEUE_FILE``): nothing more to
  run for a one-box install.

Tasks carry ids only; the state they act on lives in the database (``models.queue``), so
a queue entry lost with a killed worker costs a delay, never a message.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey
from huey.storage import SqliteStorage as HueySqliteStorage
from redis.exceptions import RedisError

from core import clock

log = logging.getLogger(__name__)

_EXTENSION = "herald_queue"


class QueueUnavailable(RuntimeError):
    """The queue's storage refused a task (Redis restarting, the SQLite file unwritable).

    Herald's tasks carry ids of rows kept in the database, which the sweep hands over again
    (``services.delivery.sweep``): a caller logs this and goes on."""


# What Huey's storages raise when they cannot be reached or written.
STORAGE_ERRORS = (RedisError, sqlite3.Error, OSError)


class Queue:
    """The registry of tasks, and each app's Huey that runs them."""

    def __init__(self, db: Any) -> None:
        self._db = db  # Flask-SQLAlchemy: immediate mode ends the caller's transaction
        self._tasks: dict[str, Callable[..., Any]] = {}
        self._periodic: dict[str, tuple[Callable[..., Any], Callable[..., bool]]] = {}

    def task(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self._tasks[name] = func
            return func
        return register

    def periodic(self, name: str, when: Callable[..., bool]) -> Callable[..., Any]:
        """``when`` is a Huey ``crontab``; the task runs in the worker, never in immediate
        mode (tests call the function)."""
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            self._periodic[name] = (func, when)
            return func
        return register

    def init_app(self, app: Flask) -> None:
        app.extensions[_EXTENSION] = _Bound(app, _build(app))

    def huey(self, app: Flask | None = None) -> Huey:
        return self._bound(app).huey

    def consumable(self, app: Flask) -> Huey:
        """The app's Huey with every declared task and periodic task, for a consumer."""
        bound = self._bound(app)
        bound.register(self._tasks, self._periodic)
        return bound.huey

    def enqueue(self, name: str, *args: Any, eta: datetime | None = None) -> None:
        """Hand task ``name`` to the worker, now or at ``eta`` (aware UTC); QueueUnavailable
        when the storage cannot take it."""
        bound = self._bound()
        if bound.huey.immediate:
            # Inline, errors and all (tests see them); a task due later waits for the
            # sweep, which a test calls after moving the clock.
            if eta is None or eta <= clock.now():
                # The task gets its own session; the caller's must not keep a read snapshot
                # open across it (MariaDB's REPEATABLE READ would hide what the task wrote).
                self._db.session.commit()
                bound.in_app(self._tasks[name])(*args)
            return
        wrapper = bound.wrapper(self._tasks, self._periodic, name)
        try:
            if eta is not None:
                wrapper.schedule(args=args, eta=eta)
            else:
                wrapper(*args)
        except STORAGE_ERRORS as exc:
            raise QueueUnavailable(f"the queue did not take {name}{args!r}: {exc}") from exc

    @property
    def immediate(self) -> bool:
        return self._bound().huey.immediate

    def _bound(self, app: Flask | None = None) -> _Bound:
        return (app or current_app).extensions[_EXTENSION]


class _Bound:
    """One app's Huey; its task wrappers are made on first use, when every room has
    declared its tasks."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        self.app, self.huey = app, huey
        self._wrappers: dict[str, Any] = {}
        self._registered = False

    def wrapper(self, tasks: dict[str, Callable[..., Any]],
                periodic: dict[str, tuple[Callable[..., Any], Callable[..., bool]]],
                name: str) -> Any:
        if not self._registered:
            self.register(tasks, periodic)
        return self._wrappers[name]

    def register(self, tasks: dict[str, Callable[..., Any]],
                 periodic: dict[str, tuple[Callable[..., Any], Callable[..., bool]]]) -> None:
        """Give Huey every declared task (the worker calls this before it consumes)."""
        for name, func in tasks.items():
            if name not in self._wrappers:
                self._wrappers[name] = self.huey.task(name=name)(self.in_app(func))
        for name, (func, when) in periodic.items():
            if name not in self._wrappers:
                self._wrappers[name] = self.huey.periodic_task(when, name=name)(
                    self.in_app(func))
        self._registered = True

    def in_app(self, func: Callable[..., Any]) -> Callable[..., Any]:
        app = self.app

        def run(*args: Any) -> Any:
            # A fresh app context (and so a fresh database session) per task, in the worker
            # and inline alike: a task never shares a transaction with whoever enqueued it.
            with app.app_context():
                return func(*args)

        run.__name__ = func.__name__
        return run


class SqliteStorage(HueySqliteStorage):
    """Huey's SQLite storage with ``synchronous=NORMAL``, as Herald's own SQLite database
    (``core.database``), instead of Huey's FULL.

    FULL syncs the file at every enqueue and every dequeue: about 3 ms of a web worker's
    time per send-code on the benchmark machine, more than the rest of the request's
    database work, with the queue's exclusive lock held meanwhile. NORMAL (in WAL mode)
    keeps the file consistent and loses at most the last entries on a power cut, never on a
    crash of the process; a lost entry is a message whose ``outgoing`` row is still
    ``queued`` in Herald's database, and the sweep hands it over again
    (``services.delivery.sweep``). Same class name as Huey's: Diagnostics names the
    storage by it.
    """

    def _create_connection(self) -> sqlite3.Connection:
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


def _build(app: Flask) -> Huey:
    kind = app.config.get("HERALD_QUEUE") or ("redis" if app.config.get("REDIS_URL")
                                              else "sqlite")
    name = app.config.get("HERALD_QUEUE_NAME") or "herald"
    if kind == "immediate":
        return MemoryHuey(name, immediate=True, results=False)  # never consumed: see enqueue
    if kind == "redis":
        return RedisHuey(name, url=app.config["REDIS_URL"], results=False)
    if kind == "sqlite":
        path = Path(app.config.get("HERALD_QUEUE_FILE") or Path(app.instance_path) / "queue.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        return Huey(name, storage_class=SqliteStorage, filename=str(path), results=False,
                    timeout=15)
    raise ValueError(f"HERALD_QUEUE={kind!r}: use sqlite, redis or immediate")
