"""An experiment, not a benchmark: ``bench/send_code.py`` with the delivery after the answer
switched off, to show how much of the gap to the bare endpoint that delivery is.

Run: ``.venv/bin/python bench/_send_code_without_delivery.py [SECONDS]``. ``make bench`` skips
it (its name starts with ``_``). Herald's workers load a wrapper module that replaces
``services.codes.sending.deliver`` with a function that sends nothing, so the code rows stay
``pending`` and no attempt or Outbox row is written; everything before the answer (session,
CSRF, limiter, send limits, the code row) is unchanged. docs/performance.md quotes the result.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import send_code

WRAPPER = '''
import services.codes.sending

services.codes.sending.deliver = lambda issued, locale: False  # the experiment: no delivery

from app import create_app  # noqa: E402
'''


def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory(prefix="herald-bench-wrapper-") as folder:
        Path(folder, "herald_without_delivery.py").write_text(WRAPPER)
        send_code.main(seconds, name="send_code_without_delivery",
                       app_module="herald_without_delivery",
                       pythonpath=os.pathsep.join([folder, str(send_code.ROOT)]))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
