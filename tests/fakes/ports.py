"""A free TCP port on localhost, for the servers the tests start (and for a port nobody
listens on, when a test needs a service that is down)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
