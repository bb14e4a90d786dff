"""An experiment, not a benchmark: CPU per send-code request and per delivered message, in
one process, with the parts that cost it. docs/performance.md ("Where the time goes")
quotes it.

Run: ``.venv/bin/python bench/_send_code_cpu.py [N]`` (sends, default 1,000). ``make bench``
skips it (its name starts with ``_``).

A scratch SQLite database and queue file (``bench/send_code.py``'s settings: every cap
raised, captcha off), Flask's test client. Measured with ``time.process_time``, in this
order: Herald refusing a bad scene (its request machinery, no send); N register codes
(the request, the hand-over to the queue after the answer included); the worker's side in
this process, Huey's dequeue and execute for each queued message; the bare one-INSERT
endpoint of ``bench/send_code.py``. The parts are wrapped to add up their own CPU
(inclusive: a part called inside another counts in both); the wrappers add a few
microseconds each.
"""

from __future__ import annotations

import collections
import functools
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import send_code

ROOT = send_code.ROOT
PARTS = {  # module -> functions whose CPU is added up
    "services.codes.sending": ["send", "issue", "_queue"],
    "services.codes.issue": ["_carried_attempts"],
    "services.codes.limits": ["reserve"],
    "services.codes.code_log": ["add_to_total"],
    "services.codes.blocks": ["is_blocked"],
    "services.templates.rendering": ["render"],
    "blueprints.member_auth.codes": ["recipient_of", "normalise_destination", "_sent"],
    "services.delivery.outgoing": ["add", "hand_over", "claim", "still_mine", "message_of",
                                   "settle"],
    "services.delivery.messaging": ["deliver", "record_many"],
    "services.delivery.tasks": ["_send"],
    "core.crypto": ["encrypt", "decrypt"],
}
spent: collections.Counter[str] = collections.Counter()


def account(module: object, name: str, label: str) -> None:
    func = getattr(module, name)

    @functools.wraps(func)
    def timed(*args: object, **kwargs: object) -> object:
        started = time.process_time()
        try:
            return func(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started

    setattr(module, name, timed)


def per_call(run, count: int) -> float:
    """CPU milliseconds per call of ``run``."""
    started = time.process_time()
    for _ in range(count):
        run()
    return (time.process_time() - started) / count * 1000


def main(count: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="herald-cpu-"))
    try:
        measure(folder, count)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(folder: Path, count: int) -> None:
    env = send_code.prepare_herald(folder)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import importlib

    from sqlalchemy.orm import Session

    from app import create_app
    from extensions import queue

    app = create_app(send_code.HERALD_OVERRIDES)
    client = app.test_client()
    page = client.get("/register").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    number = iter(range(1, 10**8))

    def post(scene: str = "register") -> None:
        client.post("/codes/send", headers=headers, data={
            "scene": scene, "destination": f"+86138{next(number):08d}"}).close()

    namespace: dict = {"__name__": "bare_app"}
    exec(send_code.BARE_APP.format(root=str(ROOT), url=f"sqlite:///{folder / 'bare.db'}"),  # noqa: S102 (our own source)
         namespace)
    bare_app = namespace["create_app"]()
    with bare_app.app_context():
        namespace["db"].create_all()
    bare = bare_app.test_client()

    def bare_post() -> None:
        bare.post("/send", data={"destination": f"+86138{next(number):08d}"}).close()

    for module_name, names in PARTS.items():
        module = importlib.import_module(module_name)
        for name in names:
            account(module, name, f"{module_name}.{name}")
    account(Session, "commit", "Session.commit")
    huey = queue.consumable(app)
    for _ in range(200):  # warm up: imports, caches, statements
        post()
        post("none")
        bare_post()
    while huey.storage.dequeue():
        pass
    floor_ms = per_call(lambda: post("none"), count)
    spent.clear()
    send_ms = per_call(post, count)
    request_parts = dict(spent)
    spent.clear()
    delivered = 0

    def deliver_one() -> None:
        nonlocal delivered
        huey.execute(huey.dequeue())
        delivered += 1

    worker_ms = per_call(deliver_one, count)
    worker_parts = dict(spent)
    bare_ms = per_call(bare_post, count)
    print(f"CPU per call, {count} calls each, after 200 warm-up sends")
    for label, value in (("bare endpoint, one INSERT", bare_ms),
                         ("Herald refusing a bad scene", floor_ms),
                         ("send-code request, hand-over included", send_ms),
                         ("worker: dequeue and deliver one message", worker_ms)):
        print(f"{label:<52}{value:>8.3f} ms{value / bare_ms:>7.1f} x bare")
    for title, parts in (("request parts", request_parts), ("worker parts", worker_parts)):
        print(f"{title} (inclusive, ms per send):")
        for label, value in sorted(parts.items(), key=lambda item: -item[1]):
            print(f"   {label:<56}{value / count * 1000:>8.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
