"""What both signed machine APIs share: who may call them, the signature check, the answer.

* :func:`check`: System → Global settings → API (the API's switch and the caller-address
  allowlist). It runs before the body or the signing headers are read, so a switched-off API
  or a caller from an address not on the list costs no credential lookup and learns nothing
  about the clients.
* :func:`signed`: the one verifier both views are wrapped in: no query string at all (URLs
  end up in access logs), the rules above, then the signature, timestamp and nonce
  (``core.api_auth``). The view runs only for a signed request and gets its client and
  body.
* :func:`reply`: the one answer shape, ``{"code", "message", "fix", ...}`` with a catalog code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from flask import Response, g, jsonify, request

from core import catalog, ip_networks, settings
from core.api_auth import ApiAuthError, verify
from core.audit import client_ip
from core.signing import HEADERS
from models import KIND_EVENTS, KIND_RESELLER, ApiClient

SWITCHES = {KIND_EVENTS: "api.events_enabled", KIND_RESELLER: "api.reseller_enabled"}
MAX_BODY_BYTES = 16 * 1024
PER_IP_LIMIT = "300 per minute"  # before the signature: slows key guessing and floods

Reply = tuple[Response, int]


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


def signed(kind: str) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
    """Run the view as ``view(client, body)`` for a signed request of ``kind``; answer the
    refusal otherwise. A larger body than MAX_BODY_BYTES is refused with 413."""
    def decorate(view: Callable[..., Reply]) -> Callable[..., Reply]:
        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Reply:
            request.max_content_length = MAX_BODY_BYTES
            try:
                client = _verified(kind)
            except ApiAuthError as refusal:
                return refused(refusal)
            g.api_client_id = client.id
            return view(client, request.get_data(cache=True), *args, **kwargs)
        return run
    return decorate


def _verified(kind: str) -> ApiClient:
    # First of all: the signed APIs read nothing from the URL, so any query string (a key
    # under whatever name, or anything else) is refused before it is looked at or acted on.
    if request.query_string:
        raise ApiAuthError("query_not_allowed", 400,
                           "send everything in the signed body and headers, not in the URL")
    check(kind)
    body = request.get_data(cache=True)
    for name in HEADERS:  # hmac.compare_digest raises TypeError on non-ASCII text
        if not all(" " <= ch <= "~" for ch in request.headers.get(name, "")):
            raise ApiAuthError("auth_failed", 401, f"{name} must be printable ASCII")
    return verify(request.method, request.script_root + request.path, request.headers,
                  request.args, body, kind=kind)


def client_header() -> str:
    """The client id the caller claims (not yet verified): the per-client limit's key."""
    return (request.headers.get("X-Herald-Client") or "").strip()[:64]


def authenticated(_response: Response) -> bool:
    # Only signed requests count against a client's limit, so a stranger who knows the
    # client id cannot use up its budget with unsigned requests.
    return g.get("api_client_id") is not None


def refused(refusal: ApiAuthError) -> Reply:
    extra = {"retryable": True} if refusal.retryable else {}
    return reply(refusal.status, refusal.code, extra, detail=refusal.detail)


def reply(status: int, code: str, data: Mapping[str, Any] | None = None, *, detail: str = "",
          message: str = "", replayed: bool = False) -> Reply:
    """The JSON answer of both APIs: the catalog code, its message and (for failures) its fix
    in the caller's language, ``detail`` when there is one, then ``data``.

    ``message`` is the API's own words for ``ok``; ``replayed`` marks an answer given again
    for a repeated idempotency key.
    """
    if code == "ok":
        body: dict[str, Any] = {"code": code, "message": message}
    else:
        body = {"code": code, "message": catalog.message(code), "fix": catalog.fix(code)}
    if detail:
        body["detail"] = detail
    response = jsonify({**body, **(data or {})})
    response.headers["Cache-Control"] = "no-store"
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, status
