"""Who may call the signed machine APIs at all: System → Global settings → API.

Both API views call :func:`check` before they read the body or the signing headers, so a
switched-off API or a caller from an address not on the list costs no credential lookup and
learns nothing about the clients.
"""

from __future__ import annotations

from core import ip_networks, settings
from core.audit import client_ip
from core.signing import ApiAuthError
from models import KIND_EVENTS, KIND_RESELLER

SWITCHES = {KIND_EVENTS: "api.events_enabled", KIND_RESELLER: "api.reseller_enabled"}


def check(kind: str) -> None:
    """Raise ApiAuthError when the caller's address is not allowed or the API is off.

    The address is checked first: a stranger is not told whether the API is on.
    """
    address = client_ip()  # honours HERALD_PROXY_COUNT behind nginx
    if not ip_networks.allows(settings.get("api.allowed_ips"), address):
        raise ApiAuthError("ip_not_allowed", 403,
                           f"calls from {address or 'an unknown address'} are not allowed")
    if not settings.get(SWITCHES[kind]):
        # 503 and retryable: nothing was done, so a downstream may use another gateway.
        raise ApiAuthError("api_disabled", 503, "this API is switched off on this Herald",
                           retryable=True)
