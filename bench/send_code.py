"""Send-code endpoint throughput against a bare Flask + SQLAlchemy endpoint doing one insert.

Run: ``.venv/bin/python bench/send_code.py [SECONDS]`` (measuring time per side, default 6).

Both apps run under gunicorn with the same settings (2 sync workers) on SQLite files with
the same pragmas (WAL, busy timeout: ``core.database``), on free ports, in one run. The
client posts from 4 threads, a new phone number each time, as the send-code button does
(CSRF token, session cookie, JSON answer). Herald's path is the real one: the limiter,
captcha check, the send limits (interval, daily caps, hourly ceiling) in one transaction,
the code row, and delivery through the ``log`` gateway (an Outbox row, encrypted) after the
answer. Caps and the per-IP limiter are raised so that every request is a real send.
Rounds alternate between the two servers so drift hits both alike.
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
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _serve as serve

stop = serve.stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
FLASK = str(Path(sys.executable).with_name("flask"))
TARGET = 0.5
CLIENTS = 4
ROUNDS = 2
WORKERS = os.environ.get("BENCH_WORKERS", "2")

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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HERALD_", "DATABASE_"))}
    env.update(HERALD_ENV="development", HERALD_INSTANCE_PATH=str(folder / "instance"),
               DATABASE_URL=f"sqlite:///{folder / 'herald.db'}", REDIS_URL="")
    env.pop("REDIS_URL")
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


def measure(clients: list[Client], seconds: float) -> float:
    """Requests per second from all clients posting as fast as answers come back."""
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
    return sum(counts) / (time.monotonic() - started)


def main(seconds: float, name: str = "send_code", app_module: str = "app",
         pythonpath: str = "") -> None:
    """``app_module`` and ``pythonpath`` let an experiment serve a wrapped Herald
    (bench/_send_code_without_delivery.py); ``name`` labels its BENCH line."""
    with tempfile.TemporaryDirectory(prefix="herald-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bare_app.py").write_text(BARE_APP.format(
            root=str(ROOT), url=f"sqlite:///{folder / 'bare.db'}"))
        env = prepare_herald(folder)
        subprocess.run([PYTHON, "bare_app.py"], cwd=folder, env=env, check=True, timeout=60)
        herald_port, bare_port = serve.free_port(), serve.free_port()
        spec = f"{app_module}:create_app({json.dumps(HERALD_OVERRIDES)})"
        herald_env = {**env, "PYTHONPATH": pythonpath} if pythonpath else env
        herald = start(spec, herald_port, ROOT, herald_env)
        try:
            bare = start("bare_app:create_app()", bare_port, folder, env)
        except BaseException:
            stop(herald)
            raise
        try:
            rates = run_rounds(f"http://127.0.0.1:{herald_port}", f"http://127.0.0.1:{bare_port}",
                               seconds)
        except RuntimeError as exc:
            stop(herald)
            stop(bare)
            logs = [p.stderr.read().decode()[-1500:] for p in (herald, bare)]
            raise SystemExit(f"{exc}\nherald: {logs[0]}\nbare: {logs[1]}") from None
        finally:
            stop(herald)
            stop(bare)
        sent = count_rows(folder)
    report(*rates, seconds, sent, name)


def run_rounds(herald_url: str, bare_url: str, seconds: float) -> tuple[float, float, float]:
    herald_clients = [Client(herald_url, True, i + 1) for i in range(CLIENTS)]
    bare_clients = [Client(bare_url, False, i + 1) for i in range(CLIENTS)]
    # For context only: the same endpoint refusing an unknown scene runs all of Herald's
    # request machinery (session, CSRF, limiter, locale, headers) and no send.
    floor_clients = [Client(herald_url, True, i + 1, scene="none") for i in range(CLIENTS)]
    measure(herald_clients, 1.0)  # warm up: imports, caches, connections
    measure(bare_clients, 1.0)
    herald_rates, bare_rates, floor_rates = [], [], []
    for _ in range(ROUNDS):
        bare_rates.append(measure(bare_clients, seconds / ROUNDS))
        herald_rates.append(measure(herald_clients, seconds / ROUNDS))
        floor_rates.append(measure(floor_clients, seconds / ROUNDS / 2))
    return (sum(herald_rates) / ROUNDS, sum(bare_rates) / ROUNDS,
            sum(floor_rates) / ROUNDS)


def count_rows(folder: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(folder / "herald.db") as conn:
        return dict(conn.execute(
            "SELECT status, COUNT(*) FROM verification_codes GROUP BY status"))


def report(herald_rate: float, bare_rate: float, floor_rate: float, seconds: float,
           sent: dict[str, int], name: str = "send_code") -> None:
    ratio = herald_rate / bare_rate if bare_rate else 0.0
    print(f"gunicorn {WORKERS} sync workers, SQLite (WAL), {CLIENTS} client threads, "
          f"{seconds:.0f} s per side in {ROUNDS} alternating rounds")
    print(f"{'endpoint':<44}{'requests/s':>12}")
    print(f"{'POST /codes/send (log gateway, limits, CSRF)':<44}{herald_rate:>12.1f}")
    print(f"{'bare Flask + SQLAlchemy, one INSERT':<44}{bare_rate:>12.1f}")
    print(f"{'(context) Herald refusing a bad scene':<44}{floor_rate:>12.1f}")
    print(f"{'ratio (send-code / bare)':<44}{ratio:>12.2f}")
    print(f"code rows by status: {sent}")
    verdict = "PASS" if ratio >= TARGET else "MISS"
    print(f"BENCH {name} figure={ratio:.2f} baseline={bare_rate:.1f} target={TARGET:.2f} "
          f"{verdict}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
