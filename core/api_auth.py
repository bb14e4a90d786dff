"""Checking a signed request to the machine APIs: client, API key, timestamp, signature, nonce.

The scheme itself (canonical string, HMAC, headers) is ``core.signing``; this module holds
what needs the database: the clients and the nonces already used, which live in the replay
store (``core.replay``, namespace ``api_nonce``, keyed by client; a deleted client's nonces
go with it, see ``models.api_client``). The HTTP views refuse any query string before
this runs (``blueprints.api_access``, ``query_not_allowed``): URLs end up in proxy logs.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from core import clock, crypto, replay, settings
from core.signing import HEADERS, NONCE_PATTERN, as_bytes, hash_api_key, sign
from extensions import db
from models import ApiClient
from models.api_client import NONCES, nonce_key

log = logging.getLogger(__name__)
TOLERANCE_SETTING = "api.timestamp_tolerance_seconds"
# A timestamp is accepted while it is within the tolerance either side of the clock, so a
# captured request could be replayed until twice the tolerance after its first use. Nonces
# are remembered for twice the largest tolerance the setting allows (30 minutes; the SPEC
# asks for at least 10), so no value of the setting, and no change of it, reopens a replay.
NONCE_WINDOW = timedelta(seconds=2 * settings.lookup(TOLERANCE_SETTING).maximum)
# A second line for direct callers of verify(): credential-like query names are refused even
# when the caller forgot the HTTP layer's no-query rule.
QUERY_CREDENTIALS = {"api_key", "apikey", "key", "sign_key", "signature", "sign", "secret",
                     "client", "member_id"}


@dataclass
class ApiAuthError(Exception):
    """Why a request was refused: a catalog code and the HTTP status to answer with."""

    code: str
    status: int = 401
    detail: str = ""
    retryable: bool = False  # refused before anything was done; another gateway may help


def verify(method: str, path: str, headers: Mapping[str, str], query: Mapping[str, str],
           body: bytes, kind: str, now: float | None = None) -> ApiClient:
    """The active client of ``kind`` that signed this request, or ApiAuthError.

    Accepting the request uses up its nonce and commits.
    """
    if QUERY_CREDENTIALS & {k.lower() for k in query}:
        raise ApiAuthError("bad_request", 400, "credentials must not be sent in the query string")
    values = {name: (headers.get(name) or "").strip() for name in HEADERS}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ApiAuthError("auth_failed", 401, "missing headers: " + ", ".join(missing))
    _check_timestamp(values["X-Herald-Timestamp"], time.time() if now is None else now)
    client = _client(values["X-Herald-Client"], values["X-Herald-Api-Key"], kind)
    expected = sign(_sign_key(client), method, path,
                    values["X-Herald-Timestamp"], values["X-Herald-Nonce"], body)
    if not hmac.compare_digest(as_bytes(expected), as_bytes(values["X-Herald-Signature"].lower())):
        raise ApiAuthError("auth_failed", 401, "signature does not match")
    _accept_nonce(client, values["X-Herald-Nonce"])
    return client


def _check_timestamp(raw: str, now: float) -> None:
    try:
        stamp = int(raw)
    except ValueError:
        raise ApiAuthError("request_expired", 401, "timestamp is not Unix seconds") from None
    tolerance = int(settings.get(TOLERANCE_SETTING))
    skew = int(now) - stamp  # in ints: a 400-digit timestamp would overflow a float
    if abs(skew) > tolerance:
        shown = f"{skew} s" if abs(skew) < 10**12 else "far"
        raise ApiAuthError("request_expired", 401,
                           f"timestamp is {shown} from the server clock (allowed: ±{tolerance} s)")


def _client(client_id: str, api_key: str, kind: str) -> ApiClient:
    client = db.session.scalar(db.select(ApiClient).where(
        ApiClient.client_id == client_id[:64], ApiClient.kind == kind))
    # Compare a hash either way so an unknown client costs the same as a wrong key.
    stored = client.api_key_hash if client else "0" * 64
    if not hmac.compare_digest(as_bytes(stored), as_bytes(hash_api_key(api_key))) or client is None:
        raise ApiAuthError("auth_failed", 401, "unknown client or wrong API key")
    if not client.active:
        raise ApiAuthError("client_disabled", 403, "this client is disabled")
    return client


def _sign_key(client: ApiClient) -> str:
    # Encrypted under a key since removed from HERALD_ENCRYPTION_KEYS: the server's fault, not
    # the caller's, and no 500 either. The fix says which key to put back or to reset.
    try:
        return crypto.decrypt(client.sign_key)
    except crypto.SecretUnreadable:
        log.error("API client %s: its sign key does not decrypt with any configured key",
                  client.client_id)
        raise ApiAuthError("secret_unreadable", 503,
                           "this client's sign key was encrypted with a key since removed "
                           "from the server") from None


def _accept_nonce(client: ApiClient, nonce: str) -> None:
    if not NONCE_PATTERN.match(nonce):
        raise ApiAuthError("bad_request", 400, "nonce must be 8-64 characters [A-Za-z0-9_-]")
    now = clock.now()
    if not replay.claim(NONCES, nonce_key(client.id, nonce), now + NONCE_WINDOW):
        db.session.rollback()
        raise ApiAuthError("nonce_replayed", 401, "this nonce was already used")
    client.last_used_at = now
    db.session.commit()
    replay.prune_due()
