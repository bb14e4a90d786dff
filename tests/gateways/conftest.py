"""Gateway test fixtures: local fake servers, and DNS that cannot reach the internet.

Every gateway test runs with ``socket.getaddrinfo`` replaced: IP literals and
``localhost`` resolve as usual, names a test registers in ``dns.names`` resolve to the
addresses given, and any other name fails like an unknown host. No test can reach a real
provider, even by accident.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.fakes.httpserver import FakeServer
from tests.fakes.smtpserver import certificate, smtp_server  # noqa: F401 (fixtures)


def _is_ip_literal(name: str) -> bool:
    if name.isdigit():  # "2130706433" is 127.0.0.1 to inet_aton, no DNS involved
        return True
    try:
        ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    return True


class OfflineDns:
    """A ``getaddrinfo`` stand-in; ``names`` maps a host to IPs or to a callable giving IPs."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.names: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[tuple]:
        name = host.decode() if isinstance(host, bytes) else host
        if name in self.names:
            self.lookups.append(name)
            answer = self.names[name]
            return [_addrinfo(ip, port) for ip in (answer() if callable(answer) else answer)]
        if name is None or name == "localhost" or _is_ip_literal(name):
            return self.real(host, port, *args, **kwargs)
        self.lookups.append(name)
        raise socket.gaierror(socket.EAI_NONAME, f"{name}: unknown host (offline tests)")


def _addrinfo(ip: str, port: Any) -> tuple:
    number = int(port or 0)
    if ":" in ip:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, number, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, number))


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> OfflineDns:
    offline = OfflineDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", offline)
    return offline


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        yield fake


@pytest.fixture
def unused_port() -> int:
    """A port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
