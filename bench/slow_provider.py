"""A provider that answers after 8 s must not slow the panel: send-code and a page prober.

Run: ``.venv/bin/python bench/slow_provider.py [SECONDS]`` (load seconds per run, default 20).

The deployment issue 15 describes: gunicorn with 4 sync workers on SQLite, the delivery
worker beside it (``flask --app app worker``, its default 8 threads, the embedded Huey
queue), and the ``http`` SMS gateway pointed at a fake provider in this process (a threaded
HTTP server on 127.0.0.1; ``HERALD_ALLOW_PRIVATE_URLS`` lets the gateway reach it) that
holds every request 8 s before answering ``OK``. For SECONDS, 8 clients (4 processes × 2
threads) post ``/codes/send`` as fast as answers come back, a new phone number each time,
with every cap raised so that each request is a real send, while a prober fetches
``/login`` every 0.2 s. Latencies are measured on the client, send to full answer.

Baseline: the same run first with the fake answering at once. After the slow run the fake
is switched to instant (the sends it holds are answered then), so the drain takes seconds
instead of 8 s per message per worker thread; the drain time is printed.

Checks, all needed for PASS: the prober's p99 ≤ 100 ms, send-code p99 ≤ 150 ms, and every
accepted code delivered: the fake received each accepted phone exactly once, and every
code row and outgoing row ended ``sent``. The figure is the prober's p99 during the slow run.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import _worker
import requests
from _provider import Provider
from _serve import (
    HERALD_OVERRIDES,
    ROOT,
    Load,
    free_port,
    herald_env,
    http_gateway,
    prepare_herald,
    run_load,
    start,
    stop,
)

DELAY = 8.0
PROBE_EVERY = 0.2
TARGET_PROBE_P99_MS = 100.0
TARGET_SEND_P99_MS = 150.0
WORKER_THREADS = 8  # the default (HERALD_WORKER_THREADS)


def probe(base: str, stop_at: float, load: Load) -> None:
    """GET /login every PROBE_EVERY seconds until ``stop_at``; latencies into ``load``."""
    session = requests.Session()
    session.trust_env = False
    next_at = time.monotonic()
    while next_at < stop_at:
        time.sleep(max(0.0, next_at - time.monotonic()))
        started = time.perf_counter()
        try:
            response = session.get(base + "/login", timeout=30)
            if response.status_code != 200:
                load.errors.append(f"/login: {response.status_code}")
        except requests.RequestException as exc:
            load.errors.append(str(exc))
        load.latencies.append(time.perf_counter() - started)
        next_at += PROBE_EVERY


def run(base: str, first_number: int, seconds: float) -> tuple[Load, Load]:
    """(send-code load, prober) over ``seconds``."""
    prober = Load()
    thread = threading.Thread(target=probe, args=(base, time.monotonic() + seconds, prober))
    thread.start()
    sends = run_load(base, True, first_number, seconds)
    thread.join()
    if prober.errors:
        raise RuntimeError(f"the prober failed {len(prober.errors)} times: {prober.errors[0]}")
    return sends, prober


def delivery_problems(db_file: Path, fake: Provider, accepted: int) -> list[str]:
    with sqlite3.connect(db_file) as conn:
        destinations = Counter(d for (d,) in conn.execute("SELECT destination FROM outgoing"))
    problems = []
    twice = [p for p, n in fake.phones.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} phones got their code more than once")
    if set(fake.phones) != set(destinations) or len(destinations) != accepted:
        problems.append(f"{accepted} codes accepted, {sum(destinations.values())} queued, "
                        f"{len(fake.phones)} phones reached the provider")
    for table in ("verification_codes", "outgoing"):
        found = _worker.counts(db_file, table)
        if found != {"sent": accepted}:
            problems.append(f"{table}: {found}")
    return problems


def main(seconds: float) -> int:
    with tempfile.TemporaryDirectory(prefix="herald-bench-slow-") as tmp:
        folder = Path(tmp)
        db_file = folder / "herald.db"
        fake = Provider()
        env = {**herald_env(folder, f"sqlite:///{db_file}"), "HERALD_ALLOW_PRIVATE_URLS": "1"}
        prepare_herald(env, extra=http_gateway(fake.url))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = start(f"app:create_app({json.dumps(HERALD_OVERRIDES)})", port, ROOT, env)
        worker = None
        try:
            worker = _worker.Worker(env, folder / "worker.log", WORKER_THREADS)
            warm_up = run_load(base, True, 10, 1.0)  # imports, caches, connections
            quick = run(base, 20, seconds)
            quick_drain = _worker.wait_drained(db_file)
            fake.slow(DELAY)
            before = fake.answered()
            slow = run(base, 30, seconds)
            backlog = _worker.waiting(db_file)
            answered = fake.answered() - before  # while slow: threads / 8 s at most
            fake.fast()
            slow_drain = _worker.wait_drained(db_file, timeout=600)
        except RuntimeError as exc:
            tail = worker.output()[-1500:] if worker else ""
            raise SystemExit(f"{exc}\nweb: {stop(web)}\nworker: {tail}") from None
        finally:
            stop(web)
            if worker:
                worker.stop()
        fake.server.shutdown()
        accepted = warm_up.count + quick[0].count + slow[0].count
        problems = delivery_problems(db_file, fake, accepted)
        problems += [f"worker log: {line}" for line in worker.errors()[:3]]
    return report(quick, slow, quick_drain, (answered, backlog, slow_drain), problems, seconds)


def report(quick: tuple[Load, Load], slow: tuple[Load, Load], quick_drain: float,
           slow_queue: tuple[int, int, float], problems: list[str], seconds: float) -> int:
    answered, backlog, slow_drain = slow_queue
    print(f"gunicorn 4 sync workers, SQLite, worker {WORKER_THREADS} threads (Huey SQLite "
          f"queue), 8 send-code clients + /login every {PROBE_EVERY} s, {seconds:.0f} s a run")
    print(f"{'provider':<22}{'sends/s':>9}{'send p50':>10}{'send p99':>10}"
          f"{'probe p50':>11}{'probe p99':>11}{'probes':>8}   drain")
    for label, (sends, prober), drain in (("instant (baseline)", quick, quick_drain),
                                          (f"{DELAY:.0f} s", slow, slow_drain)):
        print(f"{label:<22}{sends.rate:>9.1f}{sends.percentile(0.5):>8.1f}ms"
              f"{sends.percentile(0.99):>8.1f}ms{prober.percentile(0.5):>9.1f}ms"
              f"{prober.percentile(0.99):>9.1f}ms{len(prober.latencies):>8}   {drain:.1f} s")
    print(f"during the slow run the provider answered {answered} sends ({WORKER_THREADS} "
          f"threads / {DELAY:.0f} s = {WORKER_THREADS / DELAY:.0f} a second at most); when it "
          f"ended {backlog} messages waited, and once the fake was switched to instant the "
          f"worker delivered them in {slow_drain:.1f} s")
    probe_p99, send_p99 = slow[1].percentile(0.99), slow[0].percentile(0.99)
    checks = [(f"prober p99 {probe_p99:.0f} ms <= {TARGET_PROBE_P99_MS:.0f} ms",
               probe_p99 <= TARGET_PROBE_P99_MS),
              (f"send-code p99 {send_p99:.0f} ms <= {TARGET_SEND_P99_MS:.0f} ms",
               send_p99 <= TARGET_SEND_P99_MS),
              ("every accepted code delivered exactly once" if not problems
               else "NOT DELIVERED: " + "; ".join(problems), not problems)]
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {text}")
    verdict = "PASS" if all(ok for _text, ok in checks) else "MISS"
    print(f"BENCH slow_provider figure={probe_p99:.0f}ms "
          f"baseline={quick[1].percentile(0.99):.0f}ms "
          f"target=<={TARGET_PROBE_P99_MS:.0f}ms {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0))
