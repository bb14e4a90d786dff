"""Enqueue → gateway call, at idle, on the embedded (SQLite) queue.

Run: ``.venv/bin/python bench/queue_latency.py [N]`` (messages, default 200; about 0.6 s each).

The delivery worker (``flask --app app worker``, its default 8 threads) runs on a scratch
SQLite database and Huey queue file, with the ``http`` SMS gateway pointed at a fake
provider in this process (a threaded HTTP server on 127.0.0.1 that answers ``OK`` at once
and notes when each request arrived). This process builds the same app and, N times, does
what a request does: adds an ``outgoing`` row, commits, notes the time and hands the row
to the queue (``services.delivery.outgoing.hand_over``). The latency is from that hand-over
to the provider receiving the request: the worker's poll of the queue, the claim, reading
and decrypting the message, rendering the gateway's request. Between two messages the
bench waits 0.3-0.9 s (random), so each finds the worker idle, its polling slowed to its
longest interval (``services.delivery.consumer.POLL``): the case of a member waiting for a
code on a quiet site.

Baseline, in the same run: the same message sent directly in this process
(``services.delivery.messaging.deliver``, no queue), from the call to the provider
receiving it: the floor any path pays to reach the provider (building the request, the
HTTP exchange on loopback); the queue's own share is the figure minus it. Targets: p50 ≤ 50
ms, p99 ≤ 250 ms; the BENCH line carries both as ``p50/p99``.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

import _worker
from _provider import Provider
from _serve import ROOT, Load, herald_env, http_gateway, prepare_herald

TARGET_P50_MS = 50.0
TARGET_P99_MS = 250.0
IDLE = (0.3, 0.9)  # seconds between two messages
DIRECT = 50  # baseline sends


def measure(app, provider: Provider, count: int, queued: bool, first: int) -> Load:
    """``count`` messages through the queue (``queued``) or sent directly, to phones
    numbered from ``first``; their latencies."""
    from extensions import db
    from gateways.base import Message
    from services.delivery import messaging, outgoing

    load = Load()
    for i in range(count):
        phone = f"+86139{first + i:08d}"
        message = Message(to=phone, content=f"Your code is {i % 1000000:06d}", purpose="bench")
        with app.app_context():
            if queued:
                outgoing_id = outgoing.add("sms", message)
                db.session.commit()
                started = time.perf_counter()
                outgoing.hand_over([outgoing_id])
            else:
                started = time.perf_counter()
                result = messaging.deliver("sms", message).result
                if not result.ok:
                    raise RuntimeError(f"direct send failed: {result.error} {result.raw_message}")
        load.latencies.append(provider.wait_for(phone) - started)
        time.sleep(random.uniform(*IDLE) if queued else 0.05)
    load.count = len(load.latencies)
    return load


def main(count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="herald-bench-latency-") as tmp:
        folder = Path(tmp)
        db_file = folder / "herald.db"
        provider = Provider()
        env = {**herald_env(folder, f"sqlite:///{db_file}"), "HERALD_ALLOW_PRIVATE_URLS": "1"}
        prepare_herald(env, extra=http_gateway(provider.url))
        worker = _worker.Worker(env, folder / "worker.log")
        try:
            os.environ.update(env)  # this process is one more web process of the same site
            sys.path.insert(0, str(ROOT))
            from app import create_app

            app = create_app()
            measure(app, provider, 5, queued=True, first=0)  # warm up: imports, connections
            direct = measure(app, provider, DIRECT, queued=False, first=1000)
            queued = measure(app, provider, count, queued=True, first=2000)
            _worker.wait_drained(db_file)
            problems = [f"outgoing rows: {found}"
                        for found in [_worker.counts(db_file, "outgoing")]
                        if found != {"sent": count + 5}]
        except RuntimeError as exc:
            raise SystemExit(f"{exc}\nworker: {worker.output()[-1500:]}") from None
        finally:
            worker.stop()
            provider.server.shutdown()
        problems += [f"worker log: {line}" for line in worker.errors()[:3]]
    return report(queued, direct, problems)


def report(queued: Load, direct: Load, problems: list[str]) -> int:
    p50, p99 = queued.percentile(0.5), queued.percentile(0.99)
    print(f"enqueue -> provider receives the request, {queued.count} messages, worker idle "
          f"({IDLE[0]}-{IDLE[1]} s apart), Huey SQLite queue, worker 8 threads")
    print(f"{'path':<40}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, load in (("through the queue", queued), ("direct send in-process (floor)", direct)):
        print(f"{label:<40}{load.percentile(0.5):>9.1f}{load.percentile(0.9):>9.1f}"
              f"{load.percentile(0.99):>9.1f}{max(load.latencies) * 1000:>9.1f}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    ok = p50 <= TARGET_P50_MS and p99 <= TARGET_P99_MS and not problems
    print(f"BENCH queue_latency figure={p50:.0f}/{p99:.0f}ms "
          f"baseline={direct.percentile(0.5):.1f}/{direct.percentile(0.99):.1f}ms "
          f"target=<={TARGET_P50_MS:.0f}/{TARGET_P99_MS:.0f}ms {'PASS' if ok else 'MISS'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
