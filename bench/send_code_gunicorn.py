"""Send-code under gunicorn, 4 sync workers, on SQLite, PostgreSQL and MariaDB.

Run: ``.venv/bin/python bench/send_code_gunicorn.py [SECONDS]`` (measured seconds per side
and database, default 6; about 25 s of wall time per database with start-up).

For each database the benchmark creates a scratch database of its own (SQLite: a temp
file; PostgreSQL / MariaDB: ``herald_bench_<pid>`` on the server, dropped afterwards, so the
``test`` databases other runs use are never touched), migrates Herald to head, and starts
two gunicorns with the same settings: Herald, and the baseline — the bare Flask +
Flask-SQLAlchemy app of ``bench/send_code.py`` whose one endpoint inserts one row. Eight
clients (4 processes × 2 threads, ``requests`` sessions) post as fast as answers come back;
Herald's clients post ``/codes/send`` as the send-code button does (session, CSRF token, a
new phone number each time; the code and its queued message committed, the hand-over to
the queue after the answer), with every cap raised so that each request is a real send.
No delivery worker runs here, so this measures the web side alone on each database; the
worker's share of the box is measured by ``bench/send_code.py`` and
``bench/slow_provider.py``. Rounds alternate between the two servers.

Reported per database: requests per second, and the client-side p50 / p99 latency, each
next to the baseline's. Targets (why: README "Performance"), on every database: at least
50 sends/s, p50 at most 100 ms, p99 at most 250 ms.

Server URLs: ``BENCH_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres)
and ``BENCH_MARIADB_URL`` (default mysql://root@127.0.0.1:3306/mysql); only the server part
is used. ``BENCH_DATABASES=sqlite,postgresql`` runs a subset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _serve import (
    HERALD_OVERRIDES,
    PYTHON,
    ROOT,
    Backend,
    Load,
    free_port,
    herald_env,
    prepare_herald,
    run_load,
    start,
    stop,
)
from send_code import BARE_APP

TARGET_RATE = 50.0  # sends per second, every database
TARGET_P50_MS = 100.0
TARGET_P99_MS = 250.0
ROUNDS = 2
SERVERS = {
    "sqlite": "",
    "postgresql": os.environ.get("BENCH_POSTGRES_URL",
                                 "postgresql://postgres@127.0.0.1:5432/postgres"),
    "mariadb": os.environ.get("BENCH_MARIADB_URL", "mysql://root@127.0.0.1:3306/mysql"),
}


def bench_database(name: str, seconds: float) -> tuple[Load, Load]:
    """(Herald, baseline) loads on one database."""
    with tempfile.TemporaryDirectory(prefix=f"herald-bench-{name}-") as tmp:
        backend = Backend(name, SERVERS[name], Path(tmp))
        backend.create()
        try:
            return _bench_on(backend, seconds)
        finally:
            backend.drop()


def _bench_on(backend: Backend, seconds: float) -> tuple[Load, Load]:
    env = herald_env(backend.folder, backend.url)
    prepare_herald(env)
    (backend.folder / "bare_app.py").write_text(BARE_APP.format(root=str(ROOT),
                                                                url=backend.bare_url()))
    subprocess.run([PYTHON, "bare_app.py"], cwd=backend.folder, env=env, check=True, timeout=60)
    herald_port, bare_port = free_port(), free_port()
    herald = start(f"app:create_app({json.dumps(HERALD_OVERRIDES)})", herald_port, ROOT, env)
    try:
        bare = start("bare_app:create_app()", bare_port, backend.folder, env)
    except BaseException:
        stop(herald)
        raise
    try:
        return _rounds(f"http://127.0.0.1:{herald_port}", f"http://127.0.0.1:{bare_port}",
                       seconds)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}\nherald: {stop(herald)}\nbare: {stop(bare)}") from None
    finally:
        stop(herald)
        stop(bare)


def _rounds(herald_url: str, bare_url: str, seconds: float) -> tuple[Load, Load]:
    number = 10  # client numbers: every run posts to phone numbers of its own
    run_load(herald_url, True, number, 1.0)  # warm up: imports, caches, connections
    run_load(bare_url, False, number, 1.0)
    herald, bare = Load(), Load()
    for _ in range(ROUNDS):
        number += 10
        for total, load in ((bare, run_load(bare_url, False, number, seconds / ROUNDS)),
                            (herald, run_load(herald_url, True, number, seconds / ROUNDS))):
            total.count += load.count
            total.seconds += load.seconds
            total.latencies.extend(load.latencies)
    return herald, bare


def report(results: dict[str, tuple[Load, Load] | str], seconds: float) -> int:
    print(f"gunicorn 4 sync workers, 8 clients (4 processes x 2 threads), {seconds:.0f} s per "
          f"side and database in {ROUNDS} alternating rounds")
    print(f"{'database':<12}{'send-code/s':>12}{'bare/s':>9}{'ratio':>7}"
          f"{'p50 ms':>9}{'bare':>7}{'p99 ms':>9}{'bare':>7}")
    lines, failed = [], False
    for name, result in results.items():
        if isinstance(result, str):
            print(f"{name:<12}ERROR {result}")
            lines.append(f"BENCH send_code_gunicorn.{name} figure=- baseline=- "
                         f"target=>={TARGET_RATE:.0f}/s MISS")
            failed = True
            continue
        herald, bare = result
        print(f"{name:<12}{herald.rate:>12.1f}{bare.rate:>9.1f}{herald.rate / bare.rate:>7.2f}"
              f"{herald.percentile(0.5):>9.1f}{bare.percentile(0.5):>7.1f}"
              f"{herald.percentile(0.99):>9.1f}{bare.percentile(0.99):>7.1f}")
        rate_ok = herald.rate >= TARGET_RATE
        p50_ok = herald.percentile(0.5) <= TARGET_P50_MS
        p99_ok = herald.percentile(0.99) <= TARGET_P99_MS
        lines += [
            f"BENCH send_code_gunicorn.{name}.rate figure={herald.rate:.0f}/s "
            f"baseline={bare.rate:.0f}/s target=>={TARGET_RATE:.0f}/s "
            f"{'PASS' if rate_ok else 'MISS'}",
            f"BENCH send_code_gunicorn.{name}.p50 figure={herald.percentile(0.5):.0f}ms "
            f"baseline={bare.percentile(0.5):.0f}ms target=<={TARGET_P50_MS:.0f}ms "
            f"{'PASS' if p50_ok else 'MISS'}",
            f"BENCH send_code_gunicorn.{name}.p99 figure={herald.percentile(0.99):.0f}ms "
            f"baseline={bare.percentile(0.99):.0f}ms target=<={TARGET_P99_MS:.0f}ms "
            f"{'PASS' if p99_ok else 'MISS'}",
        ]
    print("\n".join(lines))
    return 1 if failed else 0  # a MISS is a result, not an error


def main(seconds: float) -> int:
    chosen = os.environ.get("BENCH_DATABASES", ",".join(SERVERS)).split(",")
    results: dict[str, tuple[Load, Load] | str] = {}
    for name in chosen:
        try:
            results[name] = bench_database(name, seconds)
        except Exception as exc:  # one unreachable server must not hide the others' figures
            results[name] = str(exc).strip().splitlines()[-1][:200]
            print(f"{name}: {exc}", file=sys.stderr)
    return report(results, seconds)


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0))
