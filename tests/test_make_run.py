"""``make run``: the web server and the delivery worker start together, Ctrl-C stops both
(tools/run_web_and_worker.py), and either one stopping takes the other down."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tools import run_web_and_worker

ROOT = Path(__file__).resolve().parent.parent
STARTUP_LIMIT = 60  # seconds: two app imports at once on a loaded CI box
# What the launcher's children must not inherit from the test run: the quick start's
# own defaults (SQLite and the queue file in the scratch instance folder) must apply.
CLEARED = ("DATABASE_URL", "REDIS_URL", "HERALD_ENV", "HERALD_QUEUE", "HERALD_QUEUE_FILE",
           "HERALD_QUEUE_NAME", "SECRET_KEY", "HERALD_ENCRYPTION_KEYS", "FLASK_APP",
           "FLASK_DEBUG")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except (FileNotFoundError, ProcessLookupError):
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _worker_pids(database: Path) -> list[int]:
    """The pids of the workers that said they are alive (``worker_beats``)."""
    if not database.exists():
        return []
    try:
        with sqlite3.connect(database, timeout=1) as connection:
            rows = connection.execute("SELECT pid FROM worker_beats").fetchall()
    except sqlite3.OperationalError:  # not migrated yet
        return []
    return [pid for (pid,) in rows]


def _page_answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_make_run_starts_the_launcher_after_migrating():
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-o", ".venv/.runtime",
                             "run", "HOST=127.0.0.1", "PORT=5999"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    assert recipe[-1] == ".venv/bin/python tools/run_web_and_worker.py 127.0.0.1 5999"
    assert recipe.index(".venv/bin/flask --app app db upgrade") < len(recipe) - 1
    # "Herald is running" is the launcher's to say, once the server answers.
    assert not any("Herald is running" in line for line in recipe)


@pytest.mark.slow
def test_web_and_worker_start_together_and_ctrl_c_stops_both(tmp_path):
    """What ``make run`` runs last, with the real web server and worker (the schema made
    directly: the migrations have tests of their own)."""
    from sqlalchemy import create_engine

    import models  # noqa: F401 (every table in the metadata)
    from extensions import db

    engine = create_engine(f"sqlite:///{tmp_path / 'herald.db'}")
    db.metadata.create_all(engine)
    engine.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(HERALD_INSTANCE_PATH=str(tmp_path), HERALD_ENV="development")
    log = (tmp_path / "run.log").open("wb")
    # A session of its own, like a terminal's job, so the test can signal its group.
    launcher = subprocess.Popen(
        [sys.executable, "tools/run_web_and_worker.py", "127.0.0.1", str(port)], cwd=ROOT,
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        url = f"http://127.0.0.1:{port}/admin/login"
        while not (_page_answers(url) and _worker_pids(tmp_path / "herald.db")):
            assert launcher.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.1)
        started = _descendants(launcher.pid)
        _wait_for_text(tmp_path / "run.log", f"Herald is running at {url}")
        assert _worker_pids(tmp_path / "herald.db")[0] in started
        assert len(started) == 2
        assert (tmp_path / "queue.db").exists()  # the embedded queue, in the instance folder

        os.killpg(launcher.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the job's group
        assert launcher.wait(timeout=30) == 0
        output = (tmp_path / "run.log").read_text()
        assert [pid for pid in started if _alive(pid)] == [], output
        assert "Consumer exiting" in output  # the worker stopped gracefully, not killed
        assert _worker_pids(tmp_path / "herald.db") == []  # and said so
        assert not _page_answers(url)
    finally:
        log.close()
        for pid in _descendants(launcher.pid) | started | {launcher.pid}:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        launcher.wait(timeout=10)


def _wait_for_text(path: Path, text: str, limit: float = 10) -> None:
    deadline = time.monotonic() + limit
    while text not in path.read_text():
        assert time.monotonic() < deadline, path.read_text()
        time.sleep(0.1)


def _child(tmp_path: Path, name: str, body: str) -> list[str]:
    """A command that marks itself ready, then runs ``body``; a SIGINT writes ``name``.int."""
    script = (f"import pathlib, signal, sys, time\n"
              f"folder = pathlib.Path({str(tmp_path)!r})\n"
              f"def stop(*_):\n"
              f"    (folder / '{name}.int').write_text('SIGINT')\n"
              f"    sys.exit(0)\n"
              f"signal.signal(signal.SIGINT, stop)\n"
              f"(folder / '{name}.ready').touch()\n"
              f"{body}\n")
    return [sys.executable, "-c", script]


def test_when_one_command_ends_the_other_is_stopped_and_its_status_returned(tmp_path):
    status = run_web_and_worker.supervise([
        _child(tmp_path, "web", (  # fails (a port taken, say) once the other can hear SIGINT
            "while not (folder / 'worker.ready').exists(): time.sleep(0.02)\n"
            "sys.exit(3)")),
        _child(tmp_path, "worker", "time.sleep(60)"),
    ])
    assert status == 3
    assert (tmp_path / "worker.int").read_text() == "SIGINT"


def test_a_ctrl_c_reaches_each_command_and_ends_cleanly(tmp_path):
    """The launcher's own SIGINT is handed to both children; the run ends with status 0."""
    before = signal.getsignal(signal.SIGINT)
    commands = [_child(tmp_path, "web", "time.sleep(60)"),
                _child(tmp_path, "worker", "time.sleep(60)")]
    sender = subprocess.Popen([sys.executable, "-c", (
        "import os, pathlib, signal, time\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "while not all((folder / f'{n}.ready').exists() for n in ('web', 'worker')):\n"
        "    time.sleep(0.02)\n"
        f"os.kill({os.getpid()}, signal.SIGINT)\n")])
    try:
        assert run_web_and_worker.supervise(commands) == 0
    finally:
        sender.kill()  # if the children never got ready, it must not signal pytest later
    assert (tmp_path / "web.int").read_text() == "SIGINT"
    assert (tmp_path / "worker.int").read_text() == "SIGINT"
    assert signal.getsignal(signal.SIGINT) is before  # the launcher's handler is gone



def _web_server(tmp_path: Path, port: int, delay: float) -> list[str]:
    """A child that starts answering HTTP on ``port`` after ``delay`` seconds."""
    return _child(tmp_path, "web", (
        f"time.sleep({delay})\n"
        "import http.server\n"
        f"http.server.HTTPServer(('127.0.0.1', {port}), "
        "http.server.BaseHTTPRequestHandler).serve_forever()"))


def test_the_announcement_waits_for_an_answer(capsys):
    import http.server
    import threading

    port = _free_port()
    ready = run_web_and_worker.Announcement(
        run_web_and_worker.login_url("127.0.0.1", str(port)), "Herald is running")
    ready.poll()
    assert not ready.done and capsys.readouterr().out == ""  # nothing listens yet
    server = http.server.HTTPServer(("127.0.0.1", port), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        time.sleep(run_web_and_worker.PROBE_SECONDS)
        ready.poll()  # a 501 is an answer too: the server is up
        ready.poll()
    finally:
        server.shutdown()
        server.server_close()
    assert ready.done and capsys.readouterr().out == "Herald is running\n"


def test_the_launcher_announces_once_its_web_server_answers(tmp_path, capsys):
    port = _free_port()
    url = run_web_and_worker.login_url("127.0.0.1", str(port))
    ready = run_web_and_worker.Announcement(url, "Herald is running at " + url)
    sender = subprocess.Popen([sys.executable, "-c", (  # Ctrl-C a while after it answers
        "import os, signal, time, urllib.error, urllib.request\n"
        "while True:\n"
        "    try:\n"
        f"        urllib.request.urlopen({url!r}, timeout=1)\n"
        "    except urllib.error.HTTPError:\n"
        "        break\n"
        "    except OSError:\n"
        "        time.sleep(0.05)\n"
        "time.sleep(2)\n"
        f"os.kill({os.getpid()}, signal.SIGINT)\n")])
    try:
        assert run_web_and_worker.supervise([
            _web_server(tmp_path, port, 1.0), _child(tmp_path, "worker", "time.sleep(60)")],
            ready) == 0
    finally:
        sender.kill()
    assert capsys.readouterr().out.count("Herald is running at " + url) == 1


def test_a_web_server_that_never_answers_is_never_announced(tmp_path, capsys):
    url = run_web_and_worker.login_url("127.0.0.1", str(_free_port()))
    ready = run_web_and_worker.Announcement(url, "Herald is running")
    status = run_web_and_worker.supervise([
        _child(tmp_path, "web", "time.sleep(1.5)\nsys.exit(3)"),  # a port taken, say
        _child(tmp_path, "worker", "time.sleep(60)")], ready)
    assert status == 3 and not ready.done
    assert "Herald is running" not in capsys.readouterr().out


def test_both_children_are_told_the_address_they_serve(monkeypatch):
    """Links in messages follow the port make run serves on while no site URL is set."""
    from core.settings.served import served_url

    seen = {}
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(run_web_and_worker, "supervise",
                        lambda argvs, ready=None, env=None: seen.update(env=env) or 0)
    assert run_web_and_worker.main(["127.0.0.1", "5123"]) == 0
    assert served_url(seen["env"]) == "http://127.0.0.1:5123"
