"""Request signing for Herald's machine APIs (``/api/events`` and ``/api/sms/send``).

A client sends five headers:

    X-Herald-Client     its client id (the reseller's "member ID")
    X-Herald-Api-Key    its API key
    X-Herald-Timestamp  Unix seconds; refused when further from the server's clock than the
                        setting ``api.timestamp_tolerance_seconds`` (300 s unless changed)
    X-Herald-Nonce      8-64 characters [A-Za-z0-9_-], accepted once per client
    X-Herald-Signature  hex HMAC-SHA256 of the canonical string, keyed by the sign key

The canonical string is five lines joined by "\\n": the upper-case method, the request
path (no query string), the timestamp, the nonce, and the hex SHA-256 of the raw body.

This module is the scheme alone (no database, no Flask app): the ``upstream`` gateway signs
with it. Checking a signed request against the stored clients and used nonces is
``core.api_auth``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
HEADERS = ("X-Herald-Client", "X-Herald-Api-Key", "X-Herald-Timestamp", "X-Herald-Nonce",
           "X-Herald-Signature")


def as_bytes(text: str) -> bytes:
    # Headers come from strangers: non-ASCII or lone surrogates must not crash a compare.
    return text.encode("utf-8", "surrogatepass")


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(as_bytes(api_key)).hexdigest()


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join([method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()])


def sign(sign_key: str, method: str, path: str, timestamp: str, nonce: str,
         body: bytes) -> str:
    message = canonical(method, path, timestamp, nonce, body).encode()
    return hmac.new(sign_key.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(client_id: str, api_key: str, sign_key: str, method: str, path: str,
                   body: bytes, nonce: str, timestamp: int | None = None) -> dict[str, str]:
    """The headers a client sends; used by the ``upstream`` gateway and by tests."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-Herald-Client": client_id,
        "X-Herald-Api-Key": api_key,
        "X-Herald-Timestamp": stamp,
        "X-Herald-Nonce": nonce,
        "X-Herald-Signature": sign(sign_key, method, path, stamp, nonce, body),
        "Content-Type": "application/json",
    }
