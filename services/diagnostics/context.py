"""What the checks look at: the gateways in use, built from the stored settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from core import crypto, settings
from gateways.base import Gateway
from services.delivery import messaging

# Gateways with nothing to reach: the built-in sinks.
SINKS = frozenset({"log"})


@dataclass(frozen=True)
class GatewayInUse:
    channel: str
    name: str
    role: str  # active | fallback
    gateway: Gateway | None  # None when it cannot be built (an unknown stored name)
    build_error: str = ""


@dataclass(frozen=True)
class Context:
    gateways: tuple[GatewayInUse, ...]
    allow_private: bool
    timeout: tuple[float, float]  # (connect, read) for the network checks

    def of_channel(self, channel: str) -> list[GatewayInUse]:
        return [g for g in self.gateways if g.channel == channel]


def gather(max_timeout: float = 3.0) -> Context:
    """Read every setting the checks need, in the request's thread (workers get no DB)."""
    used = []
    for channel in ("sms", "email", "wechat"):
        for index, name in enumerate(messaging.chain(channel)):
            used.append(_build(channel, name, "active" if index == 0 else "fallback"))
    connect = min(float(settings.get("sms.connect_timeout")), max_timeout)
    read = min(float(settings.get("sms.read_timeout")), max_timeout)
    return Context(tuple(used), bool(current_app.config["HERALD_ALLOW_PRIVATE_URLS"]),
                   (connect, read))


def _build(channel: str, name: str, role: str) -> GatewayInUse:
    try:
        return GatewayInUse(channel, name, role, messaging.build_gateway(channel, name))
    except (LookupError, KeyError, crypto.SecretUnreadable) as exc:
        return GatewayInUse(channel, name, role, None, str(exc))


def with_timeout(gateway: Gateway, timeout: tuple[float, float]) -> Gateway:
    """A copy of ``gateway`` with the checks' short timeouts (sends keep their own)."""
    return type(gateway)(gateway.config, {**gateway.options, "timeout": timeout})


def endpoint_of(gateway: Gateway | None) -> str:
    """The URL a gateway calls: its ``url`` setting (http, upstream) or its endpoint."""
    if gateway is None or gateway.name in SINKS:
        return ""
    config: dict[str, Any] = gateway.config
    for key in ("url", "endpoint"):
        if config.get(key):
            return _upstream_base(gateway, str(config[key]))
    return str(getattr(gateway, "default_endpoint", "") or "")


def _upstream_base(gateway: Gateway, url: str) -> str:
    if gateway.name == "upstream":
        from gateways.upstream import endpoint_url

        return endpoint_url(url)
    return url
