"""Fan-out: one event to 10,000 members on in-site + the ``log`` SMS gateway, on SQLite.

Run: ``.venv/bin/python bench/fanout.py [N]`` (N members, default 10,000).

The figure is messages per second through ``services.notify.fanout.notify_many``: every member
gets an in-site notice and an SMS (through the ``log`` gateway, so with its delivery
record, its encrypted Outbox copy and its in-site copy). The baseline, measured in the
same run on a fresh copy of the same database, is the bare cost of the rows that path
writes: the same InsiteMessage, DeliveryAttempt and OutboxMessage rows inserted with
``executemany`` in one transaction, with nothing rendered, checked or encrypted.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import insert  # noqa: E402

TARGET = 1000  # messages per second
VARIABLES = {"server_name": "hk-web-01", "server_ip": "203.0.113.10",
             "product": "Cloud server 2C4G", "expires_at": "2026-12-31"}


def make_app(folder: Path):
    from app import create_app

    return create_app({
        "HERALD_ENV": "testing", "TESTING": True,
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(folder / "cache"),
    })


def prepare(app, count: int) -> None:
    """Tables, ``count`` members, and the event switched to in-site + SMS."""
    from extensions import db
    from models import Member
    from services.notify import matrix as event_settings

    db.create_all()
    db.session.execute(insert(Member), [
        {"phone": f"+86138{i:08d}", "email": None, "language": "zh_CN" if i % 2 else "en"}
        for i in range(count)])
    db.session.commit()
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})


def run_fanout(count: int) -> tuple[float, int]:
    from extensions import db
    from models import Member
    from services.notify.fanout import notify_many

    members = db.session.scalars(db.select(Member).order_by(Member.id)).all()
    started = time.perf_counter()
    summary = notify_many("server_opened", members, **VARIABLES)
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
              "origin_event": "server_opened"} for i in ids]
    copies = [{**row, "origin_channel": "sms", "in_inbox": False} for row in notes]
    db.session.execute(insert(InsiteMessage), notes + copies)
    attempts = [{"channel": c, "gateway": g, "destination": d, "purpose": "server_opened",
                 "status": "sent", "message_id": "x"} for i in ids
                for c, g, d in (("insite", "insite", f"member:{i}"),
                                ("sms", "log", f"+86138{i:08d}"))]
    db.session.execute(insert(DeliveryAttempt), attempts)
    db.session.execute(insert(OutboxMessage), [
        {"channel": "sms", "destination": f"+86138{i:08d}", "purpose": "server_opened",
         "content": text} for i in ids])
    db.session.commit()
    return time.perf_counter() - started, 2 * count


def measure(runner, count: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="herald-fanout-"))
    try:
        app = make_app(folder)
        with app.app_context():
            prepare(app, count)
            elapsed, messages = runner(count)
            from extensions import db

            db.session.remove()
            db.engine.dispose()
        return messages / elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    baseline = measure(run_baseline, count)
    figure = measure(run_fanout, count)
    print(f"fan-out of {count} members: {figure:,.0f} messages/s "
          f"(bare inserts of the same rows: {baseline:,.0f} rows-as-messages/s, "
          f"{figure / baseline:.1%} of it)")
    verdict = "PASS" if figure >= TARGET else "MISS"
    print(f"BENCH fanout figure={figure:.0f} baseline={baseline:.0f} target={TARGET} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
