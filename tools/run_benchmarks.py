"""``make bench``: run every benchmark alone and print one table of their BENCH lines.

Each benchmark is a standalone script that prints its own table and ends with
``BENCH NAME figure=… baseline=… target=… PASS|MISS`` (one line per figure: a script that
measures several, such as the per-database send-code runs, prints one each); this
collects those lines.
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
        found = LINE.findall(run.stdout)
        if run.returncode or not found:
            failed = True
            rows.append((script.stem, "-", "-", "-", "ERROR", seconds))
            print(run.stderr[-2000:], file=sys.stderr)
            continue
        rows += [(*groups, seconds if i == 0 else None) for i, groups in enumerate(found)]
    print()
    print(f"{'benchmark':<36} {'figure':>10} {'baseline':>10} {'target':>10}  result  seconds")
    for name, figure, baseline, target, verdict, seconds in rows:
        took = f"{seconds:7.1f}" if seconds is not None else ""
        print(f"{name:<36} {figure:>10} {baseline:>10} {target:>10}  {verdict:<6} {took}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
