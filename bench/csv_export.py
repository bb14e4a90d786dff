"""Memory of the streamed CSV export over a million-row verification-code log.

Run: ``.venv/bin/python bench/csv_export.py [N]`` (rows, default 1,000,000). Builds a
scratch SQLite database, fills the code log with N rows, then streams the export through
the request-level generator (``services.logs.export.generate``) and reports the growth of
the process's peak resident memory while streaming, against the size of the CSV produced.
The target: the export's memory stays under 50 MB however large the log.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import insert  # noqa: E402

TARGET_MB = 50.0
CHUNK = 50_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def fill(db, model, rows: int) -> None:
    from core import clock

    now = clock.now()
    for start in range(0, rows, CHUNK):
        db.session.execute(insert(model), [
            {"scene": "register", "channel": "sms", "destination": f"+86139{i:08d}",
             "ip": "203.0.113.9", "status": "sent", "created_at": now, "expires_at": now,
             "binding": "", "action": "", "code_hash": "", "code_hint": "12",
             "code_length": 6, "attempts": 0, "error": "", "raw_code": "",
             "raw_message": "", "gateway": "aliyun"}
            for i in range(start, min(rows, start + CHUNK))])
        db.session.commit()


def main(rows: int) -> int:
    from app import create_app
    from blueprints.admin_log_export.logs import EXPORTS
    from extensions import db
    from models import VerificationCode
    from services.logs import export as log_export

    folder = tempfile.mkdtemp(prefix="herald-bench-")
    app = create_app({"HERALD_ENV": "testing",
                      "SECRET_KEY": "bench-csv-export-0123456789-abcdefghijklmnopqrstuvwxyz",
                      "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                      "DATABASE_URL": f"sqlite:///{folder}/bench.db",
                      "CACHE_TYPE": "NullCache"})
    with app.test_request_context():
        db.create_all()
        fill(db, VerificationCode, rows)
        spec = EXPORTS["codes"]
        before = peak_rss_mb()
        started, size, lines = time.perf_counter(), 0, 0
        for chunk in log_export.generate(spec.query({}), spec.id_column, spec.columns):
            size += len(chunk.encode())
            lines += chunk.count("\n")
        seconds = time.perf_counter() - started
        growth = peak_rss_mb() - before
    print(f"rows={lines - 1} csv={size / 1e6:.1f} MB in {seconds:.1f} s "
          f"({(lines - 1) / seconds:,.0f} rows/s); peak RSS {before:.1f} -> "
          f"{before + growth:.1f} MB")
    verdict = "PASS" if growth < TARGET_MB and lines - 1 == rows else "MISS"
    print(f"BENCH csv_export figure={growth:.1f}MB baseline={size / 1e6:.1f}MB "
          f"target=<{TARGET_MB:.0f}MB {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
