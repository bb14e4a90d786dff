"""``make bench``: run every benchmark alone and print one table of their BENCH lines.

Each benchmark is a standalone script that prints its own table and ends with
``BENCH NAME figure=… baseline=… target=… PASS|MISS`` (one line per figure: a script that
measures several, such as the per-database send-code runs, prints one each); this
collects those lines. Every ``bench/*.py`` not starting with ``_`` is a benchmark, among
them the delivery queue's: ``send_code`` (with the worker delivering), ``slow_provider``,
``fanout`` (through ``POST /api/events`` and the worker) and ``queue_latency``.

``tools/run_benchmarks.py [NAME ...]`` runs only the named ones (``send_code fanout``).
A benchmark that runs longer than ``TIMEOUT`` seconds is stopped and counted as an error.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "bench"
LINE = re.compile(r"^BENCH (\S+) figure=(\S+) baseline=(\S+) target=(\S+) (PASS|MISS)$", re.M)
TIMEOUT = 1200  # seconds; the longest (send_code_gunicorn on three databases) takes ~2 min


def scripts(names: list[str]) -> list[Path]:
    found = [s for s in sorted(HERE.glob("*.py")) if not s.name.startswith("_")]
    if not names:
        return found
    unknown = set(names) - {s.stem for s in found}
    if unknown:
        raise SystemExit(f"no benchmark named {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(s.stem for s in found)}")
    return [s for s in found if s.stem in names]


def run(script: Path) -> tuple[subprocess.CompletedProcess | None, float]:
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,  # noqa: S603 (our own scripts)
                              check=False, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"{script.stem}: stopped after {TIMEOUT} s", file=sys.stderr)
        done = None
    return done, time.perf_counter() - started


def main(names: list[str]) -> int:
    rows, failed = [], False
    for script in scripts(names):
        done, seconds = run(script)
        if done is not None:
            print(done.stdout, end="")
        found = LINE.findall(done.stdout) if done is not None else []
        if done is None or done.returncode or not found:
            failed = True
            rows.append((script.stem, "-", "-", "-", "ERROR", seconds))
            if done is not None:
                print(done.stderr[-2000:], file=sys.stderr)
            continue
        rows += [(*groups, seconds if i == 0 else None) for i, groups in enumerate(found)]
    print()
    print(f"{'benchmark':<36} {'figure':>12} {'baseline':>14} {'target':>14}  result  seconds")
    for name, figure, baseline, target, verdict, seconds in rows:
        took = f"{seconds:7.1f}" if seconds is not None else ""
        print(f"{name:<36} {figure:>12} {baseline:>14} {target:>14}  {verdict:<6} {took}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
