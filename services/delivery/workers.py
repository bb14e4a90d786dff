"""Who is working the queue: each worker process's heartbeat, and whether it still lives.

A worker process names itself ``host:pid:token`` and writes that name on every row it
claims. Whether a claimer is gone decides whether a row left in ``sending`` is marked
``outcome_unknown``: on the same host, a claimer whose process no longer exists is gone at
once (a restart after ``SIGKILL`` need not wait); on another host, one whose heartbeat is
older than ``HERALD_WORKER_HEARTBEAT`` × ``MISSED_BEATS``.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from core import clock
from extensions import db
from models.queue import WorkerBeat

MISSED_BEATS = 3
# MariaDB's DATETIME keeps whole seconds: a heartbeat may read up to a second older than it
# is, which must not count as a missed beat (with a sub-second heartbeat it would).
STORED_PRECISION = timedelta(seconds=1)
SAME_HOST_SILENCE = timedelta(minutes=5)
FORGET_AFTER = timedelta(days=1)  # a stopped worker's row, kept for Diagnostics meanwhile


_me: list[str] = []  # this process's name, made once


def me() -> str:
    """This process's worker name (the web process too: immediate mode claims inline)."""
    if not _me or _me[0].rsplit(":", 2)[1] != str(os.getpid()):  # a fork gets a new name
        _me[:] = [f"{socket.gethostname()[:48]}:{os.getpid()}:{secrets.token_hex(4)}"]
    return _me[0]


def interval() -> float:
    return float(current_app.config["HERALD_WORKER_HEARTBEAT"])


def beat(name: str, threads: int) -> None:
    """Say that worker ``name`` is alive (insert its row the first time)."""
    now = clock.now()
    row = db.session.get(WorkerBeat, name)
    if row is None:
        host, pid, _token = name.rsplit(":", 2)
        db.session.add(WorkerBeat(id=name, host=host, pid=int(pid), threads=threads,
                                  started_at=now, seen_at=now))
    else:
        row.seen_at = now
    db.session.commit()


def leave(name: str) -> None:
    """A worker that stops cleanly removes its row: nothing of it is left in flight."""
    try:
        db.session.execute(db.delete(WorkerBeat).where(WorkerBeat.id == name))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def gone(claimer: str) -> bool:
    """True when the worker that wrote ``claimer`` can no longer finish what it claimed."""
    if claimer == me():
        return False
    host, _sep, rest = claimer.partition(":")
    pid = rest.partition(":")[0]
    row = db.session.get(WorkerBeat, claimer)
    if host == socket.gethostname()[:48] and pid.isdigit():
        if int(pid) == os.getpid() or not _process_exists(int(pid)):
            return True  # that process is dead, or this one is its successor under its pid
        # Alive on this box: a late heartbeat (a slow sweep, a database hiccup) is not
        # death. Only a silence no heartbeat delay explains means a recycled pid.
        return row is None or row.seen_at < clock.now() - SAME_HOST_SILENCE
    if row is None:
        return True
    silence = timedelta(seconds=interval() * MISSED_BEATS) + STORED_PRECISION
    return row.seen_at < clock.now() - silence


def forget_old() -> None:
    db.session.execute(db.delete(WorkerBeat)
                       .where(WorkerBeat.seen_at < clock.now() - FORGET_AFTER))


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True
