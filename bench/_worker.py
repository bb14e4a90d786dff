"""Shared by the queue benchmarks: the delivery worker process and what it has delivered.

Not a benchmark itself (``make bench`` skips files starting with ``_``).

The worker is the real one, ``flask --app app worker``, started with the environment the
bench gives gunicorn (so the same SQLite database and the same Huey queue file, both in
the bench's scratch folder), its log in a file there. Progress is read straight from the
scratch SQLite database with ``sqlite3``: the bench process never builds the app.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.processes import stop_group  # noqa: E402

FLASK = str(Path(sys.executable).with_name("flask"))


class Worker:
    """``flask --app app worker --threads N`` in its own process group."""

    def __init__(self, env: dict[str, str], log: Path, threads: int = 8) -> None:
        self.log = log
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [FLASK, "--app", "app", "worker", "--threads", str(threads)], cwd=ROOT, env=env,
            stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker died:\n{self.output()[-3000:]}")
            if " threads on " in self.output():  # consumer.run's first log line
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the worker did not start in 40 s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(errors="replace")

    def errors(self) -> list[str]:
        """Lines of its log that report an error or a traceback."""
        return [line for line in self.output().splitlines()
                if " ERROR " in line or line.startswith("Traceback")]

    def stop(self) -> None:
        """Ctrl-C (the tasks in hand finish), then SIGKILL after 20 s."""
        stop_group(self.process, signal.SIGINT)
        self._log_file.close()


def counts(db_file: Path, table: str) -> dict[str, int]:
    """Rows of ``table`` (``outgoing``, ``verification_codes``, ``jobs``) by status."""
    with sqlite3.connect(db_file, timeout=30) as conn:
        return dict(conn.execute(f"SELECT status, COUNT(*) FROM {table} GROUP BY status"))  # noqa: S608 (our own table names)


def waiting(db_file: Path) -> int:
    """Outgoing messages not settled yet (``queued`` or ``sending``)."""
    found = counts(db_file, "outgoing")
    return found.get("queued", 0) + found.get("sending", 0)


def wait_drained(db_file: Path, timeout: float = 300.0, poll: float = 0.05) -> float:
    """Seconds until no outgoing message waits; RuntimeError after ``timeout``."""
    started = time.monotonic()
    while waiting(db_file):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"still {waiting(db_file)} messages waiting after {timeout:.0f} s")
        time.sleep(poll)
    return time.monotonic() - started


def stamp(value: str | None) -> float:
    """A stored UTC datetime (SQLite text, naive) as a Unix timestamp."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp() if value else 0.0


def settled_between(db_file: Path, start: float, end: float) -> int:
    """Outgoing messages settled ``sent`` between the Unix times ``start`` and ``end``."""
    with sqlite3.connect(db_file, timeout=30) as conn:
        rows = conn.execute("SELECT finished_at FROM outgoing WHERE status = 'sent'").fetchall()
    return sum(1 for (finished,) in rows if start <= stamp(finished) < end)
