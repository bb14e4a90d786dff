"""What a gateway answers: :class:`SendResult`, sent or failed with a catalog code.

Its own module so that ``gateways.errors`` (which builds failed results) and
``gateways.base`` (whose ``Gateway.send`` turns exceptions into results through
``gateways.errors``) both depend on it without depending on each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SendResult:
    ok: bool
    gateway: str
    message_id: str = ""
    error: str = ""  # catalog code when not ok
    raw_code: str = ""
    raw_message: str = ""
    retryable: bool = False  # True only when the message certainly did not go out
    duration_ms: float = 0.0

    @classmethod
    def sent(cls, gateway: str, message_id: str = "", raw_code: str = "", raw_message: str = ""):
        return cls(True, gateway, message_id=message_id, raw_code=raw_code,
                   raw_message=raw_message)

    @classmethod
    def failed(cls, gateway: str, error: str, raw_code: str = "", raw_message: str = "",
               retryable: bool = False):
        return cls(False, gateway, error=error, raw_code=str(raw_code),
                   raw_message=str(raw_message)[:2000], retryable=retryable)
