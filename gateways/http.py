"""The one way gateways talk HTTP: explicit timeouts, no redirects, no private addresses.

Endpoints and the ``http`` gateway's URL are typed by an admin, so an outgoing request must
not become a way into the server's own network (SSRF). The address check runs at connect
time on the resolved addresses: the host name is resolved once, every address is vetted,
and the socket connects to a vetted address itself, then the connected peer is checked
again. A name that answers "public" to a first lookup and "127.0.0.1" to a second one (DNS
rebinding) therefore never gets a second lookup to exploit.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from flask_babel import lazy_gettext as _l
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from gateways.base import Gateway, GatewayField
from gateways.errors import RedirectRefused, UnsafeURLError

DEFAULT_TIMEOUT = (5.0, 15.0)  # (connect, read) seconds when the caller passes none
SCHEMES = ("http", "https")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(ip: str) -> bool:
    """True for a globally routable unicast address; IPv6 wrappers of IPv4 are unwrapped."""
    addr: Any = ipaddress.ip_address(ip.split("%", 1)[0])  # drop a zone id: fe80::1%eth0
    if addr.version == 6:
        # ::ffff:127.0.0.1, 2002:7f00:1:: (6to4) and 64:ff9b::7f00:1 (NAT64) reach IPv4 hosts.
        embedded = addr.ipv4_mapped or addr.sixtofour
        if embedded is None and addr in _NAT64:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        addr = embedded or addr
    return addr.is_global and not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_unspecified
        or addr.is_reserved
        or (addr.version == 4 and addr in _CGNAT)
    )


class _GuardedConnectionMixin:
    """Resolve once, refuse non-public addresses, connect to the vetted address itself."""

    _dns_host: str
    host: str
    port: int

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        error: Exception | None = None
        for address in self._public_addresses(name):
            # urllib3 connects to ``_dns_host``; TLS keeps using the real name (``host``)
            # for SNI and certificate checks because it is restored before the handshake.
            self._dns_host = address
            try:
                sock = super()._new_conn()  # type: ignore[misc]
            except NewConnectionError as exc:  # try the next address, as urllib3 does
                error = exc
                continue
            finally:
                self._dns_host = name
            _check_peer(sock, self.host)
            return sock
        raise error or UnsafeURLError(f"{self.host} has no address")

    def _public_addresses(self, name: str) -> list[str]:
        try:
            infos = socket.getaddrinfo(name, self.port, allowed_gai_family(), socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        # One private answer refuses the name outright: a name that mixes public and
        # private addresses is exactly what a rebinding attack looks like.
        refused = [a for a in addresses if not is_public_address(a)]
        if refused:
            raise UnsafeURLError(f"{self.host} resolves to {refused[0]}, which is not public")
        return addresses


def _check_peer(sock: socket.socket, host: str) -> None:
    peer = str(sock.getpeername()[0])
    if not is_public_address(peer):
        sock.close()
        raise UnsafeURLError(f"{host} connected to {peer}, which is not public")


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose connections refuse non-public peers."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


class HeraldSession(requests.Session):
    """A session that demands (connect, read) timeouts and refuses redirects and bad URLs."""

    def __init__(self, allow_private: bool = False) -> None:
        super().__init__()
        # Environment proxies would be contacted unchecked (the guard would vet the proxy,
        # not the target), and ~/.netrc could attach the server's credentials to a request.
        self.trust_env = False
        if not allow_private:
            adapter = GuardedAdapter()
            self.mount("http://", adapter)
            self.mount("https://", adapter)

    def request(self, method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:
        text_url = url.decode() if isinstance(url, bytes) else url
        if urlsplit(text_url).scheme.lower() not in SCHEMES:
            raise UnsafeURLError(f"only http and https URLs are allowed, not {text_url!r}")
        timeout = kwargs.get("timeout")
        if not (isinstance(timeout, tuple) and len(timeout) == 2):
            raise ValueError("pass timeout=(connect, read); a request without one can hang")
        kwargs["allow_redirects"] = False
        response = super().request(method, text_url, **kwargs)
        if 300 <= response.status_code < 400:
            response.close()
            raise RedirectRefused(response)
        return response


def make_session(allow_private: bool = False) -> HeraldSession:
    """The session a gateway keeps for its lifetime (connections are reused)."""
    return HeraldSession(allow_private)


def timeout_option(value: Any) -> tuple[float, float]:
    """``(connect, read)`` from an option: a pair, one number for both, or None."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, int | float):
        return (float(value), float(value))
    connect, read = value
    return (float(connect), float(read))


def json_or_none(response: requests.Response) -> Any:
    """The decoded JSON body, or None when the body is not JSON."""
    try:
        return response.json()
    except ValueError:  # requests' JSONDecodeError is a ValueError
        return None


def endpoint_field(default: str) -> GatewayField:
    """The ``endpoint`` setting every HTTP provider has: regional endpoints, local fakes."""
    return GatewayField(
        "endpoint",
        _l("Endpoint URL"),
        required=False,
        default=default,
        kind="url",
        description=_l("Leave the default unless the provider gave you a regional endpoint."),
    )


class HttpGateway(Gateway):
    """Base for gateways that talk HTTP: one guarded session, timeouts from the options.

    Options: ``timeout`` (connect, read) and ``allow_private`` (the server configuration
    ``HERALD_ALLOW_PRIVATE_URLS``).
    """

    def __init__(self, config: Mapping[str, Any], options: Mapping[str, Any] | None = None):
        super().__init__(config, options)
        self.timeout = timeout_option(self.options.get("timeout"))
        self.session = make_session(bool(self.options.get("allow_private")))

    @property
    def endpoint(self) -> str:
        return str(self.config.get("endpoint") or self.default_endpoint)

    def http(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, url, timeout=self.timeout, **kwargs)
