"""``make bench``: run every benchmark alone and print one table of their BENCH lines.

Each benchmark is a standalone script that prints its own table and ends with
``BENCH NAME figure=… baseline=… target=… PASS|MISS``; this collects those lines.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "bench"
LINE = re.compile(r"^BENCH (\S+) figure=(\S+) baseline=(\S+) target=(\S+) (PASS|MISS)$", re.M)


def main() -> int:
    rows, failed = [], False
    for script in sorted(HERE.glob("*.py")):
        if script.name.startswith("_"):
            continue
        started = time.perf_counter()
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,  # noqa: S603 (our own scripts)
                             check=False)
        seconds = time.perf_counter() - started
        print(run.stdout, end="")
        match = LINE.search(run.stdout)
        if run.returncode or not match:
            failed = True
            rows.append((script.stem, "-", "-", "-", "ERROR", seconds))
            print(run.stderr[-2000:], file=sys.stderr)
            continue
        rows.append((*match.groups(), seconds))
    print()
    print(f"{'benchmark':<20} {'figure':>12} {'baseline':>12} {'target':>12}  result  seconds")
    for name, figure, baseline, target, verdict, seconds in rows:
        print(f"{name:<20} {figure:>12} {baseline:>12} {target:>12}  {verdict:<6} {seconds:7.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
