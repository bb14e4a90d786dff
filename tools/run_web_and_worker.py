"""``make run``: the development web server and the delivery worker in one command.

    python tools/run_web_and_worker.py HOST PORT

Both are children of this launcher, each in its own process group, so the terminal's
Ctrl-C reaches only the launcher, which hands one SIGINT to each: the web server stops
and the worker finishes the sends in hand (a second Ctrl-C tells the worker to stop at
once). When either child ends by itself, the launcher stops the other: a web server
without its worker would queue messages that nobody sends.

"Herald is running at …" is printed once the web server answers, not when it is started:
a first start (migrations, imports) takes seconds, and a port already taken never answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.1
PROBE_SECONDS = 0.5  # between two "does the web server answer yet?" requests
# SIGINT is the worker's graceful stop (Huey); a closed terminal (SIGHUP) must not make
# Huey restart the worker, so everything else is passed on as SIGTERM.
FORWARDED = {signal.SIGINT: signal.SIGINT, signal.SIGTERM: signal.SIGTERM,
             signal.SIGHUP: signal.SIGTERM}


def commands(host: str, port: str) -> list[list[str]]:
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    return [[*flask, "run", "--host", host, "--port", port], [*flask, "worker"]]


# Straight to the server: an http_proxy in the environment must not carry the probe away.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def login_url(host: str, port: str) -> str:
    return f"http://{host}:{port}/admin/login"


def answers(url: str) -> bool:
    """Whether a web server answers at ``url`` (any HTTP status counts)."""
    try:
        with _DIRECT.open(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):  # refused, reset, timed out: not up yet
        return False


class Announcement:
    """Print ``message`` once ``url`` answers; probed from the launcher's wait loop."""

    def __init__(self, url: str, message: str) -> None:
        self.url, self.message = url, message
        self.done, self._next_probe = False, 0.0

    def poll(self) -> None:
        if self.done or time.monotonic() < self._next_probe:
            return
        self._next_probe = time.monotonic() + PROBE_SECONDS
        if answers(self.url):
            self.done = True
            print(self.message, flush=True)


def supervise(argvs: Sequence[Sequence[str]], ready: Announcement | None = None,
              env: dict[str, str] | None = None) -> int:
    """Run every command until one ends or a signal comes; then stop the rest and wait.

    ``ready`` is printed once its URL answers. The exit status: 0 when a signal asked for
    the stop, else that of the first command that ended (a web server that could not bind
    its port makes ``make run`` fail)."""
    asked: list[tuple[int, int]] = []  # (signal passed on, children it reached)
    children: list[subprocess.Popen] = []

    def forward(signum: int, _frame: object) -> None:
        asked.append((FORWARDED[signal.Signals(signum)], len(children)))
        _signal_all(children, asked[-1][0])

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        for argv in argvs:
            children.append(subprocess.Popen(  # noqa: S603 (our own commands)
                list(argv), cwd=ROOT, stdin=subprocess.DEVNULL, process_group=0, env=env))
        if asked:  # Ctrl-C while starting: what started after it has not heard it
            _signal_all(children[asked[0][1]:], asked[0][0])
        first = _wait_for_first(children, asked, ready)
        if first is not None and not asked:
            _signal_all(children, signal.SIGINT)
        for child in children:
            child.wait()
        return 0 if asked or first is None else first.returncode
    finally:
        _signal_all(children, signal.SIGTERM)  # only if this launcher itself failed
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait_for_first(children: list[subprocess.Popen], asked: list[tuple[int, int]],
                    ready: Announcement | None) -> subprocess.Popen | None:
    """The first child to end, or None when a signal came first."""
    while not asked:
        for child in children:
            if child.poll() is not None:
                return child
        if ready is not None:
            ready.poll()
        time.sleep(POLL_SECONDS)
    return None


def _signal_all(children: list[subprocess.Popen], signum: int) -> None:
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(child.pid, signum)  # the group: whatever the child started too


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1].strip(), file=sys.stderr)
        return 2
    url = login_url(*argv)
    # Both children build links from the address served on while no site URL is set
    # (core/settings/served.py), however this launcher was started.
    env = {**os.environ, "HOST": argv[0], "PORT": argv[1]}
    return supervise(commands(*argv), Announcement(
        url, f"Herald is running at {url} (and its delivery worker)"), env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
