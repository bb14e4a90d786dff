"""Fan-out: one event to 10,000 members on in-site + the ``log`` SMS gateway, on SQLite.

Run: ``.venv/bin/python bench/fanout.py [N]`` (N members, default 10,000).

Through the queue, as a business system does it: gunicorn (2 sync workers) and the
delivery worker (``flask --app app worker``, the embedded Huey queue) on a scratch SQLite
database with N members and the event switched to in-site + SMS. A signed
``POST /api/events`` with ``"members": "all"`` must answer (202, a job id) within 200 ms
(client-side, send to full answer; each gunicorn worker warmed up first by a one-member
event); the worker then runs the job, and its pace is the messages the job counts ``sent``
divided by the time from the job's creation to its end (both stamped by the app).

Baseline, in the same run: ``services.notify.fanout.notify_many`` called in-process on a
fresh database of the same N members, the path without a queue, a job or a request; the
worker must reach 0.8 of its messages per second. Every member gets an in-site notice and
an SMS (through the ``log`` gateway, so with its delivery record, its encrypted Outbox copy
and its in-site copy). Also printed, as before the queue: the bare cost of the rows that path
writes (the same InsiteMessage, DeliveryAttempt and OutboxMessage rows inserted with
``executemany`` in one transaction, nothing rendered, checked or encrypted), and
``notify_many``'s own target of 1,000 messages/s. PASS needs all three.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _worker
import requests
from _serve import ROOT, free_port, herald_env, prepare_herald, start, stop

sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet
from sqlalchemy import insert

TARGET_ANSWER_MS = 200.0
TARGET_RATIO = 0.8
TARGET_IN_PROCESS = 1000  # messages per second, notify_many (the target before the queue)
EVENT = "server_opened"
VARIABLES = {"server_name": "hk-web-01", "server_ip": "203.0.113.10",
             "product": "Cloud server 2C4G", "expires_at": "2026-12-31"}
PATH = "/api/events"

SETUP = """
import json, sys
sys.path.insert(0, {root!r})
sys.path.insert(0, {bench!r})
from app import create_app
from fanout import prepare
from services.notify import api_clients
app = create_app()
with app.app_context():
    prepare({count}, create=False)
    keys = api_clients.create("bench")
    print(json.dumps([keys.client_id, keys.api_key, keys.sign_key]))
"""


def make_app(folder: Path):
    from app import create_app

    return create_app({
        "HERALD_ENV": "testing", "TESTING": True,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "HERALD_QUEUE_FILE": str(folder / "queue.db"),
        "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(folder / "cache"),
    })


def prepare(count: int, create: bool = True) -> None:
    """Tables (unless migrated already), ``count`` members, the event on in-site + SMS."""
    from extensions import db
    from models import Member
    from services.notify import matrix as event_settings

    if create:
        db.create_all()
    db.session.execute(insert(Member), [
        {"phone": f"+86138{i:08d}", "email": None, "language": "zh_CN" if i % 2 else "en"}
        for i in range(count)])
    db.session.commit()
    event_settings.save({EVENT: event_settings.Switches(True, ("sms", "insite"))})


# --- in process: notify_many, and the bare rows ------------------------------------------


def run_fanout(count: int) -> tuple[float, int]:
    from extensions import db
    from models import Member
    from services.notify.fanout import notify_many

    members = db.session.scalars(db.select(Member).order_by(Member.id)).all()
    started = time.perf_counter()
    summary = notify_many(EVENT, members, **VARIABLES)
    elapsed = time.perf_counter() - started
    if summary.sent != 2 * count:
        raise SystemExit(f"fan-out sent {summary.sent} of {2 * count}: {summary.counts}")
    return elapsed, summary.sent


def run_baseline(count: int) -> tuple[float, int]:
    """The same rows, inserted bare: insite + its log row, SMS log row + Outbox + copy."""
    from extensions import db
    from models import DeliveryAttempt, InsiteMessage, Member, OutboxMessage

    ids = db.session.scalars(db.select(Member.id).order_by(Member.id)).all()
    text = ("您的服务器 hk-web-01（203.0.113.10） 已开通，产品：Cloud server 2C4G，"
            "到期时间：2026-12-31。")
    started = time.perf_counter()
    notes = [{"member_id": i, "title": "服务器开通通知", "body": text, "origin_channel": "insite",
              "origin_event": EVENT} for i in ids]
    copies = [{**row, "origin_channel": "sms", "in_inbox": False} for row in notes]
    db.session.execute(insert(InsiteMessage), notes + copies)
    attempts = [{"channel": c, "gateway": g, "destination": d, "purpose": EVENT,
                 "status": "sent", "message_id": "x"} for i in ids
                for c, g, d in (("insite", "insite", f"member:{i}"),
                                ("sms", "log", f"+86138{i:08d}"))]
    db.session.execute(insert(DeliveryAttempt), attempts)
    db.session.execute(insert(OutboxMessage), [
        {"channel": "sms", "destination": f"+86138{i:08d}", "purpose": EVENT,
         "content": text} for i in ids])
    db.session.commit()
    return time.perf_counter() - started, 2 * count


def measure(runner, count: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="herald-fanout-"))
    try:
        app = make_app(folder)
        with app.app_context():
            prepare(count)
            elapsed, messages = runner(count)
            from extensions import db

            db.session.remove()
            db.engine.dispose()
        return messages / elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- through the API and the worker ------------------------------------------------------


class EventsClient:
    """Signs ``POST /api/events`` as a business system does (``core.signing``)."""

    def __init__(self, base: str, keys: list[str]) -> None:
        self.url = base + PATH
        self.keys = keys
        self.session = requests.Session()
        self.session.trust_env = False

    def post(self, payload: dict) -> tuple[float, dict]:
        """(milliseconds to the full answer, the answer); RuntimeError unless 202."""
        from core.signing import signed_headers

        body = json.dumps(payload).encode()
        headers = signed_headers(*self.keys, "POST", PATH, body, secrets.token_hex(8))
        started = time.perf_counter()
        response = self.session.post(self.url, data=body, headers=headers, timeout=30)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 202:
            raise RuntimeError(f"{PATH}: {response.status_code} {response.text[:300]}")
        return took, response.json()


def wait_job(db_file: Path, job_id: str, timeout: float = 600) -> tuple[str, int, float]:
    """(status, messages sent, seconds from creation to end) once the job has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(db_file, timeout=30) as conn:
            status, sent, created, finished = conn.execute(
                "SELECT status, sent, created_at, finished_at FROM jobs WHERE id = ?",
                (job_id,)).fetchone()
        if status in ("done", "failed"):
            return status, sent, _worker.stamp(finished) - _worker.stamp(created)
        time.sleep(0.05)
    raise RuntimeError(f"job {job_id} not done after {timeout:.0f} s")


def through_worker(count: int) -> tuple[float, float, int, str]:
    """(answer ms, worker messages/s, messages sent, status) through gunicorn + worker."""
    with tempfile.TemporaryDirectory(prefix="herald-bench-fanout-") as tmp:
        folder = Path(tmp)
        db_file = folder / "herald.db"
        env = herald_env(folder, f"sqlite:///{db_file}")
        prepare_herald(env)
        script = SETUP.format(root=str(ROOT), bench=str(Path(__file__).parent), count=count)
        made = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=300, check=False)
        if made.returncode:
            raise RuntimeError(f"setup failed: {made.stderr[-2000:]}")
        keys = json.loads(made.stdout.strip().splitlines()[-1])
        port = free_port()
        web = start("app:create_app()", port, ROOT, env, workers=2)
        worker = None
        try:
            worker = _worker.Worker(env, folder / "worker.log")
            client = EventsClient(f"http://127.0.0.1:{port}", keys)
            for member_id in range(1, 5):  # warm up both gunicorn workers and the worker
                _took, answer = client.post({"event": EVENT, "members": [member_id],
                                             "variables": VARIABLES})
                wait_job(db_file, answer["job_id"])
            took, answer = client.post({"event": EVENT, "members": "all",
                                        "variables": VARIABLES})
            status, sent, seconds = wait_job(db_file, answer["job_id"])
        except RuntimeError as exc:
            tail = worker.output()[-1500:] if worker else ""
            raise SystemExit(f"{exc}\nweb: {stop(web)}\nworker: {tail}") from None
        finally:
            stop(web)
            if worker:
                worker.stop()
    return took, sent / seconds if seconds else 0.0, sent, status


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    bare = measure(run_baseline, count)
    in_process = measure(run_fanout, count)
    answer_ms, worker_rate, sent, status = through_worker(count)
    ratio = worker_rate / in_process if in_process else 0.0
    print(f"fan-out of {count:,} members, in-site + log SMS, SQLite")
    print(f"{'path':<56}{'messages/s':>12}")
    print(f"{'bare inserts of the same rows (rows-as-messages)':<56}{bare:>12,.0f}")
    print(f"{'notify_many in-process (baseline)':<56}{in_process:>12,.0f}")
    print(f"{'POST /api/events members=all -> worker (job ' + status + ')':<56}"
          f"{worker_rate:>12,.0f}")
    checks = [
        (f"POST /api/events answered in {answer_ms:.0f} ms <= {TARGET_ANSWER_MS:.0f} ms",
         answer_ms <= TARGET_ANSWER_MS),
        (f"worker {worker_rate:,.0f} msg/s = {ratio:.2f} of notify_many >= {TARGET_RATIO}",
         ratio >= TARGET_RATIO and status == "done" and sent == 2 * count),
        (f"notify_many {in_process:,.0f} msg/s >= {TARGET_IN_PROCESS:,} "
         f"({in_process / bare:.1%} of bare inserts)", in_process >= TARGET_IN_PROCESS),
    ]
    if sent != 2 * count:
        print(f"the job sent {sent} messages of {2 * count}")
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {text}")
    verdict = "PASS" if all(ok for _text, ok in checks) else "MISS"
    print(f"BENCH fanout figure={ratio:.2f} baseline={in_process:.0f}msg/s "
          f"target=>={TARGET_RATIO} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
