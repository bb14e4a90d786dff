"""An experiment, not a benchmark: ``bench/send_code.py`` with no delivery worker running,
to show how much of the gap to the bare endpoint the worker beside gunicorn is.

Run: ``.venv/bin/python bench/_send_code_without_delivery.py [SECONDS]``. ``make bench`` skips
it (its name starts with ``_``). Everything up to the answer and after it in the web worker
is unchanged (session, CSRF, limiter, send limits, the code row and its queued message, the
hand-over to the Huey queue after the answer); only ``flask --app app worker`` is not
started, so the messages stay queued and nothing competes with gunicorn for the CPU.
docs/performance.md quotes the result.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import send_code


def main(seconds: float) -> None:
    send_code.main(seconds, name="send_code_without_delivery", worker=False)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
