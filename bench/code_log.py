"""The verification-code log page at a million rows (SQLite).

Run: ``.venv/bin/python bench/code_log.py [ROWS]`` (default 1,000,000).

Seeds ROWS log rows in one SQL statement (200,000 phones, all scenes, a few failures),
signs an admin in, and times the real page request (query, template, response) for page
1, a middle page, the last page and a phone filter, each several times, with the median
reported. Target: the median page time under 50 ms and the phone filter under 20 ms. For
comparison it times the naive way on the same data: COUNT(*) plus ORDER BY id with an
OFFSET on the table.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PAGE_MS = 50.0
TARGET_PHONE_MS = 20.0
REPEAT = 7
PHONES = 200_000
PASSWORD = secrets.token_urlsafe(16)  # the bench admin exists only in a temp database

SEED = """
WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :rows)
INSERT INTO verification_codes (created_at, scene, channel, destination, member_id, binding,
    action, code_hash, code_hint, code_length, attempts, expires_at, consumed_at, status,
    error, raw_code, raw_message, gateway, attempt_id, ip)
SELECT strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (n * 3) || ' seconds') || '.000000',
       CASE n % 4 WHEN 0 THEN 'register' WHEN 1 THEN 'login' WHEN 2 THEN 'reset_password'
            ELSE 'change_phone' END,
       'sms', printf('+86138%08d', n % :phones), NULL, 's:bench', '',
       printf('%064d', n), printf('%02d', n % 100), 6, 0,
       strftime('%Y-%m-%d %H:%M:%S', '2026-01-01', '+' || (n * 3 + 600) || ' seconds')
           || '.000000',
       NULL, CASE WHEN n % 50 = 0 THEN 'failed' ELSE 'sent' END,
       CASE WHEN n % 50 = 0 THEN 'sign_mismatch' ELSE '' END,
       CASE WHEN n % 50 = 0 THEN '-2' ELSE '' END,
       CASE WHEN n % 50 = 0 THEN '签名数据不一致' ELSE '' END,
       'log', NULL, printf('198.51.%d.%d', n % 200, n % 250)
FROM seq
"""


def setup(rows: int):
    folder = Path(tempfile.mkdtemp(prefix="herald-bench-log-"))
    os.environ.update(HERALD_ENV="development", HERALD_INSTANCE_PATH=str(folder / "instance"),
                      DATABASE_URL=f"sqlite:///{folder / 'log.db'}")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from core.admins import make_admin
    from extensions import db
    from services.codes import code_log

    app = create_app({"WTF_CSRF_TIME_LIMIT": None})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        started = time.perf_counter()
        db.session.execute(text(SEED), {"rows": rows, "phones": PHONES})
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        code_log.recount()
        print(f"seeded {rows:,} rows in {time.perf_counter() - started:.1f} s")
        make_admin("bench", PASSWORD)
    return app, folder


def signed_in_client(app):
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/admin/login", data={"csrf_token": token, "username": "bench",
                                               "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit("the bench admin could not sign in")
    return client


def time_page(client, query: str) -> float:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get("/admin/logs/codes" + query)
        html = response.get_data(as_text=True)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or "<tr>" not in html:
            raise SystemExit(f"{query}: {response.status_code}")
    return statistics.median(times)


def time_naive(app, offset: int) -> float:
    from sqlalchemy import text

    from extensions import db

    with app.app_context():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            db.session.execute(text("SELECT COUNT(*) FROM verification_codes")).scalar()
            db.session.execute(text("SELECT * FROM verification_codes ORDER BY id DESC "
                                    "LIMIT 10 OFFSET :offset"), {"offset": offset}).all()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)


def main(rows: int) -> None:
    app, folder = setup(rows)
    try:
        measure_all(app, rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a million rows weigh a few hundred MB


def measure_all(app, rows: int) -> None:
    client = signed_in_client(app)
    pages = -(-rows // 10)
    time_page(client, "")  # warm up: templates, caches, the page cache of SQLite
    cases = [
        ("page 1", ""),
        (f"middle page ({pages // 2:,})", f"?page={pages // 2}"),
        (f"last page ({pages:,})", f"?page={pages}"),
        ("phone filter", "?phone=13800012345"),
    ]
    results = [(name, time_page(client, query)) for name, query in cases]
    # For information (no target): a filter matching a quarter of the log, whose total is
    # a COUNT over its index range.
    extra = [("scene filter (1/4 of rows)", time_page(client, "?scene=login")),
             ("scene filter, middle page", time_page(client, f"?scene=login&page={pages // 8}"))]
    naive = time_naive(app, (pages // 2) * 10)
    report(rows, results, extra, naive)


def report(rows: int, results: list[tuple[str, float]], extra: list[tuple[str, float]],
           naive: float) -> None:
    print(f"{rows:,} log rows, SQLite; median of {REPEAT} requests each (signed-in admin, "
          "full page)")
    print(f"{'case':<28}{'ms':>10}")
    for name, ms in results + extra:
        print(f"{name:<28}{ms:>10.1f}")
    print(f"{'naive COUNT(*) + OFFSET':<28}{naive:>10.1f}")
    pages_ms = statistics.median(ms for name, ms in results if name != "phone filter")
    phone_ms = results[-1][1]
    verdict = "PASS" if pages_ms < TARGET_PAGE_MS and phone_ms < TARGET_PHONE_MS else "MISS"
    print(f"phone filter {phone_ms:.1f} ms (target {TARGET_PHONE_MS:.0f} ms)")
    print(f"BENCH code_log figure={pages_ms:.1f} baseline={naive:.1f} "
          f"target={TARGET_PAGE_MS:.1f} {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
