"""Resident memory of a gunicorn worker, idle and under load, against a bare Flask worker.

Run: ``.venv/bin/python bench/worker_memory.py [SECONDS]`` (load seconds, default 10).

Two gunicorns with 4 sync workers each, on SQLite: Herald (migrated to head, an admin
account) and the baseline, the bare Flask + Flask-SQLAlchemy one-insert app of
``bench/send_code.py``. Each worker's VmRSS is read from ``/proc/<pid>/status``:

- idle: two seconds after the workers booted, before any request;
- loaded: after SECONDS of load — 8 clients posting send-code (Herald) or the insert
  (baseline), while on Herald an admin also walks the heavier admin pages (code log,
  settings tabs, templates, Outbox, diagnostics) in a loop, so every worker has imported
  and cached what a real day touches.

The figure is the largest loaded Herald worker; the baseline is the largest loaded bare
worker. Target: at most 150 MiB per worker (why: README "Performance").
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from _serve import (
    HERALD_OVERRIDES,
    PYTHON,
    ROOT,
    Backend,
    free_port,
    herald_env,
    prepare_herald,
    rss_mb,
    run_load,
    start,
    stop,
    workers_of,
)
from send_code import BARE_APP

TARGET_MB = 150.0
ADMIN = ("bench", secrets.token_urlsafe(16))  # exists only in the temp database
ADMIN_PAGES = ["/admin/", "/admin/logs/codes", "/admin/logs/codes?page=3",
               "/admin/logs/notifications", "/admin/settings/basic", "/admin/settings/sms",
               "/admin/settings/member", "/admin/templates/", "/admin/outbox/",
               "/admin/diagnostics/", "/admin/logs/admin-operations", "/admin/members/"]


def worker_rss(master_pid: int) -> list[float]:
    return sorted(rss_mb(pid) for pid in workers_of(master_pid))


def admin_walk(base: str, stop_at: float, errors: list[str]) -> None:
    """Sign the bench admin in and visit the admin pages until ``stop_at``."""
    session = requests.Session()
    session.trust_env = False
    page = session.get(base + "/admin/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signed = session.post(base + "/admin/login", data={"csrf_token": token, "username": ADMIN[0],
                                                       "password": ADMIN[1]}, timeout=30)
    if "/admin/login" in signed.url:
        errors.append("the bench admin could not sign in")
        return
    while time.monotonic() < stop_at:
        for path in ADMIN_PAGES:
            answer = session.get(base + path, timeout=30)
            if answer.status_code != 200:
                errors.append(f"{path}: {answer.status_code}")
                return


def measure(base: str, master_pid: int, herald: bool, seconds: float) -> tuple[list, list]:
    time.sleep(2)  # let the workers finish booting
    idle = worker_rss(master_pid)
    errors: list[str] = []
    walker = None
    if herald:
        walker = threading.Thread(target=admin_walk,
                                  args=(base, time.monotonic() + seconds, errors))
        walker.start()
    run_load(base, herald, 10, seconds)
    if walker:
        walker.join()
    if errors:
        raise RuntimeError(f"admin pages failed: {errors[0]}")
    return idle, worker_rss(master_pid)


def main(seconds: float) -> int:
    with tempfile.TemporaryDirectory(prefix="herald-bench-memory-") as tmp:
        backend = Backend("sqlite", "", Path(tmp))
        env = herald_env(backend.folder, backend.url)
        prepare_herald(env, admin=ADMIN)
        (backend.folder / "bare_app.py").write_text(BARE_APP.format(
            root=str(ROOT), url=backend.bare_url()))
        subprocess.run([PYTHON, "bare_app.py"], cwd=backend.folder, env=env, check=True,
                       timeout=60)
        results = {}
        for name, spec, cwd in (("herald", f"app:create_app({HERALD_OVERRIDES!r})", ROOT),
                                ("bare", "bare_app:create_app()", backend.folder)):
            port = free_port()
            server = start(spec, port, cwd, env)
            try:
                results[name] = measure(f"http://127.0.0.1:{port}", server.pid,
                                        name == "herald", seconds)
            finally:
                stop(server)
    return report(results, seconds)


def report(results: dict[str, tuple[list, list]], seconds: float) -> int:
    print(f"gunicorn 4 sync workers, SQLite; VmRSS per worker in MiB (min / max), "
          f"loaded = after {seconds:.0f} s of load")
    print(f"{'app':<34}{'idle':>16}{'loaded':>16}")
    labels = {"herald": "Herald (send-code + admin pages)", "bare": "bare Flask + SQLAlchemy"}
    for name, (idle, loaded) in results.items():
        print(f"{labels[name]:<34}{idle[0]:>7.1f} / {idle[-1]:<6.1f}"
              f"{loaded[0]:>7.1f} / {loaded[-1]:<6.1f}")
    figure, baseline = results["herald"][1][-1], results["bare"][1][-1]
    idle_figure, idle_baseline = results["herald"][0][-1], results["bare"][0][-1]
    verdict = "PASS" if figure <= TARGET_MB else "MISS"
    idle_verdict = "PASS" if idle_figure <= TARGET_MB else "MISS"
    print(f"BENCH worker_memory.idle figure={idle_figure:.0f}MB baseline={idle_baseline:.0f}MB "
          f"target=<={TARGET_MB:.0f}MB {idle_verdict}")
    print(f"BENCH worker_memory.loaded figure={figure:.0f}MB baseline={baseline:.0f}MB "
          f"target=<={TARGET_MB:.0f}MB {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0))
