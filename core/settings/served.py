"""The address this server runs on: the site URL while the admin has not set one.

Read from the ``HOST`` and ``PORT`` that ``make run`` serves on (they reach both the web
server and the worker through the environment; ``flask run`` reads ``FLASK_RUN_HOST`` and
``FLASK_RUN_PORT``). Deliberately not from the request's Host header: a link in a message
built from a header the client chose would point members wherever that client liked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 5000
# Addresses that mean "every interface": no browser reaches the server under them.
_EVERY_INTERFACE = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 (compared, never bound)


def served_url(environ: Mapping[str, str] | None = None) -> str:
    """``http://host:port`` of this server, without a trailing slash."""
    environ = os.environ if environ is None else environ
    host = _first(environ, "HOST", "FLASK_RUN_HOST").strip()
    if host in _EVERY_INTERFACE or any(ch in host for ch in "/@?# "):
        host = DEFAULT_HOST
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{_port(_first(environ, 'PORT', 'FLASK_RUN_PORT'))}"


def _first(environ: Mapping[str, str], *names: str) -> str:
    return next((environ[name] for name in names if environ.get(name)), "")


def _port(text: str) -> int:
    text = text.strip()
    if text.isdigit() and 0 < int(text) < 65536:
        return int(text)
    return DEFAULT_PORT
