"""Turn what can go wrong on the wire into a :class:`SendResult` with a catalog code.

``UnsafeURLError`` and ``RedirectRefused`` are raised by ``gateways.http`` and live here,
with the rule that maps them, so this module needs nothing from ``gateways.http``.

The one rule behind ``retryable``: True only when the message certainly did not go out and
another gateway could deliver it (no connection was made, the provider is down, or the
provider throttled us). A read timeout or a connection dropped after the request left may
have sent the message, and a second copy of a verification code is worse than a failure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

from gateways.result import SendResult


class UnsafeURLError(Exception):
    """The URL's scheme or address may not be contacted.

    Deliberately not an ``OSError``: urllib3 would wrap an ``OSError`` into a generic
    connection error and the reason would be lost.
    """


class RedirectRefused(Exception):
    """The server answered 3xx; redirects are never followed (they could lead anywhere)."""

    def __init__(self, response: requests.Response) -> None:
        self.response = response
        location = response.headers.get("Location", "")
        super().__init__(f"HTTP {response.status_code} redirect to {location!r} not followed")


# Signatures: a provider keeps the approved name bare ("Herald") and puts it in 【】 itself,
# so a typed 【Herald】, [Herald] or "Herald " never matches an approved one.
SIGN_FIELD_NAMES = ("sign_name", "signature")  # the gateway fields holding one
SIGN_BRACKETS = "【】[]［］〖〗"
FULL_WIDTH_SPACE = "\u3000"


def sign_extras(sign: str) -> str:
    """What to remove from a typed signature: brackets anywhere, full-width spaces inside,
    any space around it; each character once, empty for a clean signature."""
    sign = str(sign or "")
    edges = sign[:len(sign) - len(sign.lstrip())] + sign[len(sign.rstrip()):]
    found = [ch for ch in sign if ch in SIGN_BRACKETS or ch == FULL_WIDTH_SPACE]
    return "".join(dict.fromkeys(found + list(edges)))


def clean_sign(sign: str) -> str:
    """The signature as a provider stores it: no brackets, no full-width or edge spaces."""
    kept = "".join(ch for ch in str(sign or "")
                   if ch not in SIGN_BRACKETS and ch != FULL_WIDTH_SPACE)
    return kept.strip()


def sign_mismatch(result: SendResult, sign: str) -> SendResult:
    """A ``sign_not_found`` for a signature that differs from a clean one only by brackets
    or spaces is the seed's 签名数据不一致: its fix is to correct the setting, not to get
    another signature reviewed."""
    extras = sign_extras(sign)
    if result.ok or result.error != "sign_not_found" or not extras or not clean_sign(sign):
        return result
    shown = " ".join(repr(ch) for ch in extras)
    result.error = "sign_mismatch"
    result.raw_message = (f"the signature {sign!r} was sent with {shown}; remove them and "
                          f"set it to {clean_sign(sign)!r}. Provider: {result.raw_message}")
    return result


# Provider answers meaning "not processed, try elsewhere": throttling and outages.
RETRYABLE_ANSWERS = frozenset({"provider_rate_limited", "unreachable"})

# requests puts the URL in its messages ("Max retries exceeded with url: /sms?u=..&p=.."):
# a GET provider's query holds the API key and the verification code, and raw messages
# are stored in logs and shown to admins, so a query never reaches a result.
_QUERY = re.compile(r"\?[^\s'\")]+")


def result_from_exception(gateway_name: str, exc: BaseException) -> SendResult:
    """The result for an exception raised while talking to a provider."""
    text = _QUERY.sub("?…", str(exc))
    if isinstance(exc, UnsafeURLError):
        return _failed(gateway_name, "unreachable", "unsafe_url",
                       f"address not allowed: {text}", retryable=False)
    if isinstance(exc, RedirectRefused):
        # Not retryable: a POST answered by 303 may well have been processed first.
        return _failed(gateway_name, "unreachable", f"HTTP {exc.response.status_code}",
                       text, retryable=False)
    if isinstance(exc, requests.ConnectTimeout):
        return _failed(gateway_name, "unreachable", "connect_timeout", text, retryable=True)
    if isinstance(exc, requests.ReadTimeout):
        return _failed(gateway_name, "timeout", "read_timeout", text, retryable=False)
    if isinstance(exc, requests.ConnectionError):
        return _connection_failure(gateway_name, exc, text)
    return _failed(gateway_name, "unknown", type(exc).__name__, text, retryable=False)


def _connection_failure(gateway_name: str, exc: requests.ConnectionError,
                        text: str) -> SendResult:
    if isinstance(exc, requests.exceptions.SSLError):
        # The TLS handshake comes before any byte of the request.
        return _failed(gateway_name, "unreachable", "tls_error", text, retryable=True)
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    if isinstance(reason, NameResolutionError):
        return _failed(gateway_name, "unreachable", "dns_failure", text, retryable=True)
    if isinstance(reason, NewConnectionError):
        return _failed(gateway_name, "unreachable", "connect_failed", text, retryable=True)
    # Connected, then dropped (reset, closed mid-answer): the provider may have the request.
    return _failed(gateway_name, "unreachable", "connection_dropped",
                   "connection dropped after the request was sent; the message may have "
                   f"gone out: {text}", retryable=False)


def result_from_status(gateway_name: str, status: int, body: str = "") -> SendResult | None:
    """The result for an HTTP status that says enough on its own, else None.

    429 is throttling and 5xx an outage, both retryable; 504 is the exception: a gateway
    timeout in front of the provider means the provider may have sent the message.
    """
    raw_code = f"HTTP {status}"
    if status == 429:
        return _failed(gateway_name, "provider_rate_limited", raw_code, body, retryable=True)
    if status == 504:
        return _failed(gateway_name, "timeout", raw_code, body, retryable=False)
    if status >= 500:
        return _failed(gateway_name, "unreachable", raw_code, body, retryable=True)
    return None


def catalog_code(table: Mapping[str, str], code: str) -> str:
    """The catalog code for a provider code: exact match, then its family, else unknown.

    A key ending in a dot names a family: ``"InternalError."`` covers
    ``InternalError.Timeout`` unless that code has its own entry.
    """
    if code in table:
        return table[code]
    return table.get(code.split(".", 1)[0] + ".", "unknown")


def provider_failure(gateway_name: str, table: Mapping[str, str], code: str, message: str,
                     status: int = 200, body: str = "") -> SendResult:
    """The result for a provider's error answer, mapped through ``table``.

    An error code the table does not know falls back to the HTTP status (5xx, 429) before
    ``unknown``, so an unlisted outage code still fails over.
    """
    error = catalog_code(table, code) if code else "unknown"
    if error == "unknown":
        by_status = result_from_status(gateway_name, status, body or message)
        if by_status is not None:
            return by_status
    return _failed(gateway_name, error, code or f"HTTP {status}", message or body,
                   retryable=error in RETRYABLE_ANSWERS)


def _failed(gateway_name: str, error: str, raw_code: str, raw: object,
            retryable: bool) -> SendResult:
    return SendResult.failed(gateway_name, error, raw_code=raw_code, raw_message=str(raw),
                             retryable=retryable)
