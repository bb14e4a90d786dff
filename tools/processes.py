"""Stopping a child that runs in its own process group (a server and whatever it started)."""

from __future__ import annotations

import os
import signal
import subprocess


def stop_group(process: subprocess.Popen, first: int = signal.SIGTERM,
               grace: float = 20.0) -> None:
    """Send ``first`` to the child's whole group, then SIGKILL if it is not gone in
    ``grace`` seconds: SIGINT lets a delivery worker finish the sends in hand, SIGTERM stops
    gunicorn and its workers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, first)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
