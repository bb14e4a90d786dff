"""A real deployment for the load test: a migrated SQLite file, Redis, gunicorn workers and
the delivery worker.

``prepare()`` runs in a child process (``python -m tests.load.stack '<json>'``) so that the
app it builds never touches the extension objects of the pytest session's app.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from tests.fakes.ports import free_port
from tools.processes import stop_group

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def environment(folder: Path, config: dict[str, str]) -> dict[str, str]:
    """The process environment of the app: ours, without the test run's service URLs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HERALD_", "DATABASE_", "REDIS_"))}
    env.update(config, HERALD_INSTANCE_PATH=str(folder / "instance"), PYTHONPATH=str(ROOT))
    return env


def prepare(env: dict[str, str], overrides: dict[str, Any], setup: dict[str, Any]) -> None:
    """Migrate the database to head and apply ``setup`` (see :func:`_apply`)."""
    payload = json.dumps({"overrides": overrides, "setup": setup})
    run = subprocess.run([sys.executable, "-m", "tests.load.stack", payload], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=False)
    if run.returncode:
        raise RuntimeError(f"preparing the app failed:\n{run.stderr[-3000:]}")


def _apply(overrides: dict[str, Any], setup: dict[str, Any]) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from core import settings
    from core.passwords import hash_password
    from extensions import db
    from models import Member
    from services.notify import events
    from services.templates import store as template_store

    app = create_app(overrides)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        settings.update(setup.get("settings", {}), action="load.setup")
        for scene, parts in setup.get("sms_templates", {}).items():
            for locale in ("zh_CN", "en"):
                template_store.save(events.get(scene), "sms", locale, parts)
        password = hash_password(setup.get("password", "Load-Test-Pass-1"))
        for phone in setup.get("members", []):
            db.session.add(Member(phone=phone, password_hash=password))
        db.session.commit()


class Gunicorn:
    """``gunicorn --workers N`` serving ``create_app(overrides)``; its log goes to a file."""

    def __init__(self, env: dict[str, str], overrides: dict[str, Any], log: Path,
                 workers: int = 4) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        spec = f"app:create_app({overrides!r})"  # a Python literal: gunicorn evaluates it
        self._log_file = log.open("wb")
        self.process = subprocess.Popen(
            [GUNICORN, "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--backlog", "2048", "--log-level", "info", spec],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn died:\n{self.output()[-3000:]}")
            try:
                requests.get(self.url + "/terms", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in 40 s:\n{self.output()[-3000:]}")

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_group(self.process, signal.SIGTERM)
        self._log_file.close()


class Worker:
    """The delivery worker (``flask --app app worker``) for ``create_app(overrides)``: run
    through ``python -c`` because the overrides (cache and queue prefixes) are not all
    environment variables."""

    def __init__(self, env: dict[str, str], overrides: dict[str, Any], log: Path,
                 threads: int = 8) -> None:
        self.log = log
        self._log_file = log.open("wb")
        script = ("from app import create_app\nfrom services.delivery import consumer\n"
                  f"consumer.run(create_app({overrides!r}), {threads})\n")
        self.process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                                        stdout=self._log_file, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        stop_group(self.process, signal.SIGINT)  # graceful: the sends in hand finish
        self._log_file.close()


if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    _apply(arguments["overrides"], arguments["setup"])
