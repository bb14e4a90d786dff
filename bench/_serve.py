"""Shared by the gunicorn benchmarks: scratch databases, gunicorn processes, a load generator.

Not a benchmark itself (``make bench`` skips files starting with ``_``).

The load generator runs in processes, each with a few threads holding a ``requests``
session: one Python process would be held back by its own GIL long before four gunicorn
workers are. Each request's latency is measured on the client, from send to full answer.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config, for database URLs

from tools.processes import stop_group  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

# The send-code path does real sends: raise every cap so that no request is refused.
HERALD_SETTINGS = {"member.daily_cap_phone": 10000, "member.daily_cap_ip": 100000,
                   "member.daily_cap_account": 10000, "member.hourly_ceiling": 1000000,
                   "member.captcha_mode": "off"}
HERALD_OVERRIDES = {"HERALD_CODE_SEND_RATE": "1000000 per minute"}

PREPARE = """
import json, sys
sys.path.insert(0, {root!r})
from flask_migrate import upgrade
from app import create_app
from core import settings
app = create_app()
with app.app_context():
    upgrade(directory={migrations!r}, revision="heads")
    settings.update(json.loads({values!r}), action="bench.setup")
    admin = json.loads({admin!r})
    if admin:
        from core.admins import make_admin
        make_admin(admin[0], admin[1])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- scratch databases ------------------------------------------------------------------


@dataclass
class Backend:
    """One database the benchmark creates for itself and drops afterwards."""

    name: str
    server_url: str  # "" for SQLite
    folder: Path
    database: str = field(default_factory=lambda: f"herald_bench_{os.getpid()}")

    @property
    def url(self) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{self.folder / 'herald.db'}"
        parts = urlsplit(self.server_url)
        query = "?charset=utf8mb4" if self.name == "mariadb" else ""
        return f"{parts.scheme}://{parts.netloc}/{self.database}{query}"

    def bare_url(self) -> str:
        """The baseline's database: its own SQLite file, or the same server database."""
        from config import normalise_database_url

        if self.name == "sqlite":
            return f"sqlite:///{self.folder / 'bare.db'}"
        return normalise_database_url(self.url)

    def create(self) -> None:
        self._admin(f"CREATE DATABASE {self.database}")

    def drop(self) -> None:
        if self.name == "postgresql":
            self._admin(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        elif self.name == "mariadb":
            self._admin(f"DROP DATABASE IF EXISTS {self.database}")

    def _admin(self, statement: str) -> None:
        if self.name == "sqlite":
            return
        from sqlalchemy import create_engine, text

        from config import normalise_database_url

        engine = create_engine(normalise_database_url(self.server_url),
                               isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(statement))
        finally:
            engine.dispose()


def herald_env(folder: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HERALD_", "DATABASE_", "REDIS_"))}
    env.update(HERALD_ENV="development", HERALD_INSTANCE_PATH=str(folder / "instance"),
               DATABASE_URL=database_url, PYTHONPATH=str(ROOT))
    return env


def http_gateway(url: str) -> dict[str, str]:
    """Settings that send SMS through the ``http`` gateway to a bench's fake provider at
    ``url`` (a form POST of phone and text, "OK" for success)."""
    return {"sms.gateway": "http", "sms.http.url": url, "sms.http.method": "post_form",
            "sms.http.params": "phone={phone}\ntext={content}",
            "sms.http.success_contains": "OK"}


def prepare_herald(env: dict[str, str], admin: tuple[str, str] | None = None,
                   extra: dict[str, object] | None = None) -> None:
    """Migrate to head, store the bench settings (and ``extra`` ones) and make ``admin``
    (name, password)."""
    values = {**HERALD_SETTINGS, **(extra or {})}
    script = PREPARE.format(root=str(ROOT), migrations=str(ROOT / "migrations"),
                            values=json.dumps(values), admin=json.dumps(admin))
    run = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=180, check=False)
    if run.returncode:
        raise RuntimeError(f"preparing Herald failed: {run.stderr[-1500:]}")


# --- gunicorn ---------------------------------------------------------------------------


def start(app_spec: str, port: int, cwd: Path, env: dict[str, str],
          workers: int = 4) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers, answering on ``port`` (waits until it does)."""
    process = subprocess.Popen(
        [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level",
         "warning", "--timeout", "30", app_spec],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {app_spec} died: {process.stderr.read().decode()}")
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError(f"gunicorn {app_spec} did not start in 40 s")


def stop(process: subprocess.Popen) -> str:
    """Stop gunicorn and its workers; returns the tail of what it wrote to stderr."""
    stop_group(process, signal.SIGTERM, grace=15)
    return process.stderr.read().decode(errors="replace")[-1500:] if process.stderr else ""


def workers_of(master_pid: int) -> list[int]:
    """The gunicorn worker pids: the master's children, from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB, as the kernel reports it (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


# --- load -------------------------------------------------------------------------------


@dataclass
class Load:
    """What a load run saw: request count, wall seconds, per-request latencies (s)."""

    count: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Latency in milliseconds at ``share`` (0.5, 0.99), nearest rank."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


class Client:
    """One browser posting send-code (Herald) or the one-insert endpoint (bare app).

    Herald clients carry the session cookie and CSRF token the page would; each post uses
    a new phone number so every request is a real send.
    """

    def __init__(self, base: str, herald: bool, number: int):
        self.session = requests.Session()
        self.session.trust_env = False
        self.url = base + ("/codes/send" if herald else "/send")
        self.headers = {"Accept": "application/json"}
        self.number = number * 1_000_000
        if herald:
            page = self.session.get(base + "/register", timeout=10).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            self.headers["X-CSRFToken"] = token

    def post(self) -> None:
        self.number += 1
        phone = f"+86138{self.number:08d}"
        response = self.session.post(self.url, data={"scene": "register", "destination": phone},
                                     headers=self.headers, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{self.url}: {response.status_code} {response.text[:200]}")


def _client_process(base: str, herald: bool, numbers: list[int], seconds: float,
                    results: multiprocessing.Queue) -> None:
    clients = [Client(base, herald, n) for n in numbers]
    load = Load()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(client: Client) -> None:
        mine: list[float] = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                client.post()
            except Exception as exc:  # report, do not hang the bench
                with lock:
                    load.errors.append(str(exc))
                break
            mine.append(time.perf_counter() - started)
        with lock:
            load.latencies.extend(mine)

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((load.latencies, load.errors))


def run_load(base: str, herald: bool, first_number: int, seconds: float,
             processes: int = 4, threads: int = 2) -> Load:
    """``processes`` × ``threads`` clients posting as fast as answers come back.

    Client numbers start at ``first_number`` so that no two runs reuse a phone number
    (the one-send-a-minute interval would refuse it).
    """
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    numbers = iter(range(first_number, first_number + processes * threads))
    workers = [context.Process(target=_client_process,
                               args=(base, herald, [next(numbers) for _ in range(threads)],
                                     seconds, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    load = Load()
    for _ in workers:
        latencies, errors = results.get(timeout=seconds + 120)
        load.latencies.extend(latencies)
        load.errors.extend(errors)
    for worker in workers:
        worker.join()
    # Each process starts its clock once its clients are set up (CSRF page) and posts for
    # exactly ``seconds``: the window is the same for all of them.
    load.seconds = seconds
    load.count = len(load.latencies)
    if load.errors:
        raise RuntimeError(f"{len(load.errors)} requests failed, first: {load.errors[0]}")
    return load
