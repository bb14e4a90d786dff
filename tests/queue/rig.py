"""Real worker processes for the queue's integration tests, and the app that feeds them.

A :class:`Rig` is one queue (Huey's SQLite file in the test's folder, or a Redis queue
with its own name) shared by an app in the test process, which queues messages, and by
``flask --app app worker`` processes started with the same configuration in environment
variables. Both also share the settings cache: otherwise a worker would keep reading the
gateway settings it cached before the test changed them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, g

import config as herald_config
from extensions import db
from models.queue import WorkerBeat

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
T = TypeVar("T")

# Fast enough that a test waits fractions of a second for a heartbeat, a sweep or a retry.
QUEUE_TIMING = {"HERALD_WORKER_HEARTBEAT": 0.3, "HERALD_SWEEP_SECONDS": 0.5,
                "HERALD_RETRY_DELAY": 0.3}
# The test process's settings that a worker gets from its environment instead.
PROCESS = ("HERALD_ENV", "SECRET_KEY", "DATABASE_URL", "HERALD_ENCRYPTION_KEYS")
DEADLINE = 20.0  # seconds any one awaited outcome may take before the test fails


def fresh() -> None:
    """Forget the session's snapshot and the settings memo: read what workers committed."""
    db.session.rollback()
    db.session.expire_all()
    g.pop("_herald_settings", None)


def wait_until(check: Callable[[], T], what: str, timeout: float = DEADLINE,
               explain: Callable[[], str] = lambda: "") -> T:
    """Poll ``check`` on fresh reads until it returns something true; fail after
    ``timeout`` seconds saying ``what`` never happened."""
    deadline = time.monotonic() + timeout
    while True:
        fresh()
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.0f} s: {what} never happened\n{explain()}")
        time.sleep(0.05)


class Rig:
    """One queue, the test-process app bound to it, and the worker processes on it."""

    def __init__(self, base_config: dict[str, Any], folder: Path, redis_url: str,
                 queue: dict[str, Any]) -> None:
        self.folder = folder
        self.queue = {**QUEUE_TIMING, **queue}
        app_config = {k: v for k, v in base_config.items()
                      if not k.startswith(("CACHE_", "RATELIMIT_")) and k != "REDIS_URL"}
        app_config.update(self.queue)
        if redis_url:
            # Caches on Redis, derived from REDIS_URL with the default key prefix: exactly
            # what a worker derives from the same REDIS_URL.
            app_config["REDIS_URL"] = redis_url
        else:
            # The worker's file cache is HERALD_INSTANCE_PATH/cache.
            app_config["CACHE_DIR"] = str(folder / "cache")
        self.config = app_config
        self.env = self._worker_env(base_config, redis_url)
        self.workers: list[Worker] = []
        self.app: Flask | None = None

    def _worker_env(self, base_config: dict[str, Any], redis_url: str) -> dict[str, str]:
        # Nothing of the developer's own configuration leaks into the worker.
        env = {k: v for k, v in os.environ.items()
               if k not in herald_config.ENVIRONMENT and not k.startswith(("HERALD_", "FLASK_"))}
        env.update({name: str(base_config[name]) for name in PROCESS})
        env.update({name: str(value) for name, value in self.queue.items()})
        env.update(HERALD_ALLOW_PRIVATE_URLS="1", HERALD_INSTANCE_PATH=str(self.folder),
                   REDIS_URL=redis_url, PYTHONUNBUFFERED="1",
                   # A box in China: nothing may read the local clock as UTC.
                   TZ="Asia/Shanghai")
        return env

    def start(self, threads: int = 4, count: int = 1) -> list[Worker]:
        """Start ``count`` worker processes at once; wait until each beats and consumes."""
        started = []
        for _ in range(count):
            started.append(Worker(self, threads,
                                  self.folder / f"worker-{len(self.workers) + 1}.log"))
            self.workers.append(started[-1])
        for worker in started:
            worker.wait_ready()
        return started

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.kill()

    def logs(self) -> str:
        return "\n".join(worker.output() for worker in self.workers)

    def wait(self, check: Callable[[], T], what: str, timeout: float = DEADLINE) -> T:
        """:func:`wait_until`, with the workers' output when it fails."""
        return wait_until(check, what, timeout, explain=self.logs)


class Worker:
    """``flask --app app worker``, a process of its own; killed, never left behind."""

    def __init__(self, rig: Rig, threads: int, log_path: Path) -> None:
        self.rig, self.log_path = rig, log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(FLASK), "--app", "app", "worker", "--threads", str(threads)], cwd=ROOT,
                env=rig.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited ({self.process.returncode}):\n"
                                     f"{self.output()}")
            beating = db.session.scalar(db.select(WorkerBeat.id).where(
                WorkerBeat.pid == self.pid))
            # The consumer logs this line just before it starts taking tasks.
            return bool(beating) and " threads on " in self.output()

        wait_until(ready, f"worker {self.pid} starting", explain=self.output)

    def beat(self) -> WorkerBeat | None:
        return db.session.scalar(db.select(WorkerBeat).where(WorkerBeat.pid == self.pid))

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the box loses power."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def output(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return f"--- worker {self.pid} ---\n{text[-6000:]}"


def sweeps_passed(worker: Worker, since: datetime, sweeps: int = 2) -> bool:
    """Whether ``worker`` has beaten long enough after ``since`` to have swept ``sweeps``
    times (it sweeps on the first beat after each HERALD_SWEEP_SECONDS)."""
    beat = worker.beat()
    needed = timedelta(seconds=(sweeps + 1) * QUEUE_TIMING["HERALD_SWEEP_SECONDS"])
    return beat is not None and beat.seen_at >= since + needed
