"""IP allowlists: read the addresses and CIDR networks an admin types, and match a caller.

The ``networks`` settings kind stores entries in the form :func:`normalise` gives, and the
machine APIs ask :func:`allows` whether a caller's address is on the list. Pure: no Flask,
no database.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostBitsSet(ValueError):
    """``203.0.113.5/24``: probably a typo for ``network``; refused rather than widened."""

    def __init__(self, entry: str, network: str):
        super().__init__(entry)
        self.network = network


def normalise(entry: str) -> str:
    """``203.0.113.10``, ``198.51.100.0/24`` or ``2001:db8::/32`` in canonical form.

    A single address loses its ``/32`` or ``/128``. Raises ValueError for anything else,
    HostBitsSet when the network part has host bits (rather than silently widening it).
    """
    text = entry.strip()
    if "%" in text:  # a zone id (fe80::1%eth0) names an interface, not a caller
        raise ValueError(entry)
    try:
        network = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValueError(entry) from None
        raise HostBitsSet(entry, str(loose)) from None
    return str(network.network_address) if network.num_addresses == 1 else str(network)


def allows(entries: Iterable[str], address: str) -> bool:
    """Whether ``address`` is on the list; an empty list allows every address.

    An IPv4 caller seen through a dual-stack socket (``::ffff:203.0.113.10``) matches
    its IPv4 entries too. An address that does not parse is never allowed.
    """
    networks = [ipaddress.ip_network(entry) for entry in entries]
    if not networks:
        return True
    candidates = _candidates(address)
    return any(candidate in network for network in networks for candidate in candidates
               if candidate.version == network.version)


def _candidates(address: str) -> list[Address]:
    try:
        parsed = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return []
    mapped = getattr(parsed, "ipv4_mapped", None)
    return [parsed, mapped] if mapped is not None else [parsed]
