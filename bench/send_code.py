"""Send-code endpoint throughput, with the delivery worker on the same box, against a bare
Flask + SQLAlchemy endpoint doing one insert.

Run: ``.venv/bin/python bench/send_code.py [SECONDS]`` (measuring time per side, default 6).

Both apps run under gunicorn with the same settings (2 sync workers) on SQLite files with
the same pragmas (WAL, busy timeout: ``core.database``), on free ports, in one run. Beside
Herald runs its delivery worker, ``flask --app app worker`` (8 threads, the embedded Huey
queue: a SQLite file in the same scratch folder), delivering through the ``log`` gateway.
The client posts from 4 threads, a new phone number each time, as the send-code button
does (CSRF token, session cookie, JSON answer). Herald's path is the real one: the
limiter, captcha check, the send limits (interval, daily caps, hourly ceiling), the code
row and its queued message (encrypted) in one transaction, then the hand-over to the queue
after the answer; the worker claims the message, sends it (an Outbox row, encrypted),
records the attempt and the code's result. Caps and the per-IP limiter are raised so that
every request is a real send. Rounds alternate between the two servers so drift hits both
alike, and each round starts with the queue drained: the bare endpoint is measured beside
an idle worker, Herald's beside a worker delivering what it accepts.

Besides the ratio it reports the worker's pace (messages settled ``sent`` per second while
the clients post), the backlog each round leaves and how long the worker takes to clear
it, and checks that every accepted code was delivered: every code row ``sent``, every
outgoing row ``sent``, one per code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _serve as serve
import _worker

stop = serve.stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLASK = str(Path(sys.executable).with_name("flask"))
TARGET = 0.6
CLIENTS = 4
ROUNDS = 2
WORKERS = os.environ.get("BENCH_WORKERS", "2")
WORKER_THREADS = 8

BARE_APP = '''
import sys
sys.path.insert(0, {root!r})
import core.database  # noqa: F401  (the same SQLite pragmas as Herald)
from datetime import UTC, datetime
from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Sent(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    destination = db.Column(db.String(32))
    created_at = db.Column(db.DateTime)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = {url!r}
    db.init_app(app)

    @app.post("/send")
    def send():
        db.session.add(Sent(destination=request.form.get("destination", ""),
                            created_at=datetime.now(UTC)))
        db.session.commit()
        return jsonify(ok=True)

    return app


if __name__ == "__main__":  # create the table once, before the workers start
    app = create_app()
    with app.app_context():
        db.create_all()
'''

HERALD_SETTINGS = {"member.daily_cap_phone": "10000", "member.daily_cap_ip": "100000",
                   "member.daily_cap_account": "10000", "member.hourly_ceiling": "1000000",
                   "member.captcha_mode": "off"}
HERALD_OVERRIDES = {"HERALD_CODE_SEND_RATE": "1000000 per minute"}


def herald_env(folder: Path) -> dict[str, str]:
    """Herald's environment: database and queue file in ``folder``, no Redis."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HERALD_", "DATABASE_", "REDIS_"))}
    env.update(HERALD_ENV="development", HERALD_INSTANCE_PATH=str(folder / "instance"),
               DATABASE_URL=f"sqlite:///{folder / 'herald.db'}", PYTHONPATH=str(ROOT))
    return env


def prepare_herald(folder: Path) -> dict[str, str]:
    env = herald_env(folder)
    run = {"cwd": ROOT, "env": env, "check": True, "capture_output": True, "timeout": 120}
    subprocess.run([FLASK, "--app", "app", "db", "upgrade", "heads"], **run)
    for name, value in HERALD_SETTINGS.items():
        subprocess.run([FLASK, "--app", "app", "settings", "set", name, value], **run)
    return env


def start(app_spec: str, port: int, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    return serve.start(app_spec, port, cwd, env, workers=int(WORKERS))


class Client:
    """One browser: a session cookie and CSRF token for Herald, none for the bare app."""

    def __init__(self, base: str, herald: bool, number: int, scene: str = "register"):
        self.scene = scene
        self.session = requests.Session()
        self.session.trust_env = False
        self.url = base + ("/codes/send" if herald else "/send")
        self.headers = {"Accept": "application/json"}
        self.number = number * 10_000_000
        if herald:
            page = self.session.get(base + "/register", timeout=5).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            self.headers["X-CSRFToken"] = token

    def post(self) -> None:
        self.number += 1
        phone = f"+86138{self.number:08d}"
        response = self.session.post(self.url, data={"scene": self.scene, "destination": phone},
                                     headers=self.headers, timeout=10)
        expected = 200 if self.scene == "register" else 400
        if response.status_code != expected:
            raise RuntimeError(f"{self.url}: {response.status_code} {response.text[:200]}")


def measure(clients: list[Client], seconds: float) -> tuple[int, float]:
    """(requests answered, seconds) with all clients posting as fast as answers come."""
    counts = [0] * len(clients)
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    def loop(i: int) -> None:
        while time.monotonic() < stop_at:
            try:
                clients[i].post()
            except Exception as exc:  # report, do not hang the bench
                errors.append(str(exc))
                return
            counts[i] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"requests failed: {errors[0]}")
    return sum(counts), time.monotonic() - started


@dataclass
class Rounds:
    """What the alternating rounds saw (rates in requests per second)."""

    herald: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    delivered: list[float] = field(default_factory=list)  # settled per second while posting
    backlog: list[int] = field(default_factory=list)  # waiting when the round ended
    drain: list[float] = field(default_factory=list)  # seconds to clear it
    accepted: int = 0  # codes answered 200, warm-up included

    def mean(self, name: str) -> float:
        values = getattr(self, name)
        return sum(values) / len(values) if values else 0.0


def main(seconds: float, name: str = "send_code", worker: bool = True) -> None:
    """``worker=False``: the same run with no worker (bench/_send_code_without_delivery.py);
    the codes then stay queued and ``name`` labels its BENCH line."""
    with tempfile.TemporaryDirectory(prefix="herald-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bare_app.py").write_text(BARE_APP.format(
            root=str(ROOT), url=f"sqlite:///{folder / 'bare.db'}"))
        env = prepare_herald(folder)
        subprocess.run([PYTHON, "bare_app.py"], cwd=folder, env=env, check=True, timeout=60)
        herald_port, bare_port = serve.free_port(), serve.free_port()
        herald = start(f"app:create_app({json.dumps(HERALD_OVERRIDES)})", herald_port, ROOT, env)
        bare = deliverer = None
        try:
            bare = start("bare_app:create_app()", bare_port, folder, env)
            if worker:
                deliverer = _worker.Worker(env, folder / "worker.log", WORKER_THREADS)
            rounds = run_rounds(f"http://127.0.0.1:{herald_port}",
                                f"http://127.0.0.1:{bare_port}", seconds,
                                folder / "herald.db" if worker else None)
        except RuntimeError as exc:
            logs = [stop(p) if p else "" for p in (herald, bare)]
            tail = deliverer.output()[-1500:] if deliverer else ""
            raise SystemExit(f"{exc}\nherald: {logs[0]}\nbare: {logs[1]}\nworker: {tail}") \
                from None
        finally:
            for process in (herald, bare):
                if process:
                    stop(process)
            if deliverer:
                deliverer.stop()
        problems = check_delivered(folder / "herald.db", rounds.accepted) if worker else []
        report(rounds, seconds, name, worker, problems)


def run_rounds(herald_url: str, bare_url: str, seconds: float,
               db_file: Path | None) -> Rounds:
    """``db_file`` None: no worker runs, nothing is waited for."""
    herald_clients = [Client(herald_url, True, i + 1) for i in range(CLIENTS)]
    bare_clients = [Client(bare_url, False, i + 1) for i in range(CLIENTS)]
    # For context only: the same endpoint refusing an unknown scene runs all of Herald's
    # request machinery (session, CSRF, limiter, locale, headers) and no send.
    floor_clients = [Client(herald_url, True, i + 1, scene="none") for i in range(CLIENTS)]
    rounds = Rounds()
    rounds.accepted += measure(herald_clients, 1.0)[0]  # warm up: imports, caches, pools
    measure(bare_clients, 1.0)
    for _ in range(ROUNDS):
        if db_file:
            _worker.wait_drained(db_file)
        count, took = measure(floor_clients, seconds / ROUNDS / 2)
        rounds.floor.append(count / took)
        count, took = measure(bare_clients, seconds / ROUNDS)
        rounds.bare.append(count / took)
        began = time.time()
        count, took = measure(herald_clients, seconds / ROUNDS)
        rounds.herald.append(count / took)
        rounds.accepted += count
        if db_file:
            ended = time.time()
            rounds.backlog.append(_worker.waiting(db_file))
            rounds.drain.append(_worker.wait_drained(db_file))
            rounds.delivered.append(_worker.settled_between(db_file, began, ended) / took)
    return rounds


def check_delivered(db_file: Path, accepted: int) -> list[str]:
    """What is wrong with the delivery of the ``accepted`` codes (nothing: [])."""
    codes = _worker.counts(db_file, "verification_codes")
    messages = _worker.counts(db_file, "outgoing")
    print(f"code rows by status: {codes}; outgoing rows by status: {messages}")
    problems = []
    if codes != {"sent": accepted}:
        problems.append(f"{accepted} codes accepted, code rows {codes}")
    if messages != {"sent": accepted}:
        problems.append(f"{accepted} codes accepted, outgoing rows {messages}")
    return problems


def report(rounds: Rounds, seconds: float, name: str, worker: bool,
           problems: list[str]) -> None:
    herald_rate, bare_rate = rounds.mean("herald"), rounds.mean("bare")
    ratio = herald_rate / bare_rate if bare_rate else 0.0
    print(f"gunicorn {WORKERS} sync workers, SQLite (WAL), {CLIENTS} client threads, "
          f"{seconds:.0f} s per side in {ROUNDS} alternating rounds; "
          + (f"worker: {WORKER_THREADS} threads, Huey SQLite queue" if worker else "no worker"))
    print(f"{'endpoint':<48}{'requests/s':>12}")
    print(f"{'POST /codes/send (log gateway, limits, CSRF)':<48}{herald_rate:>12.1f}")
    print(f"{'bare Flask + SQLAlchemy, one INSERT':<48}{bare_rate:>12.1f}")
    print(f"{'(context) Herald refusing a bad scene':<48}{rounds.mean('floor'):>12.1f}")
    print(f"{'ratio (send-code / bare)':<48}{ratio:>12.2f}")
    if worker:
        print(f"{'worker: delivered/s while the clients post':<48}"
              f"{rounds.mean('delivered'):>12.1f}")
        print("backlog at the end of each round: "
              + ", ".join(f"{b} messages, drained in {d:.2f} s"
                          for b, d in zip(rounds.backlog, rounds.drain, strict=True)))
        print(f"delivered: {rounds.accepted} of {rounds.accepted} accepted codes"
              if not problems else "NOT DELIVERED: " + "; ".join(problems))
    verdict = "PASS" if ratio >= TARGET and not problems else "MISS"
    print(f"BENCH {name} figure={ratio:.2f} baseline={bare_rate:.1f} target={TARGET:.2f} "
          f"{verdict}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
