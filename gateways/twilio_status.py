"""Twilio status callbacks: the form Twilio POSTs to ``StatusCallback`` as a message moves.

Fields used: ``MessageSid``, ``MessageStatus`` (queued, accepted, scheduled, sending, sent,
delivered, read, undelivered, failed, canceled) and ``ErrorCode`` when it failed. The
request is authentic only when ``X-Twilio-Signature`` verifies
(``gateways.twilio.validate_twilio_signature``); the caller checks that first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from gateways.status import DELIVERED, SENT, UNDELIVERED, DeliveryReport

FINAL_OK = frozenset({"delivered", "read"})
FINAL_FAILED = frozenset({"undelivered", "failed", "canceled"})
# Twilio's documented delivery error codes (30001-30010), for a remark an admin can read.
ERRORS = {
    "30001": "Queue overflow",
    "30002": "Account suspended",
    "30003": "Unreachable destination handset",
    "30004": "Message blocked",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered by the carrier",
    "30008": "Unknown error",
    "30009": "Missing segment",
    "30010": "Message price exceeds max price",
}


def report_from_callback(form: Mapping[str, Any]) -> DeliveryReport | None:
    """The report a callback carries, or None when it names no message."""
    sid = str(form.get("MessageSid") or form.get("SmsSid") or "")
    if not sid:
        return None
    state = str(form.get("MessageStatus") or form.get("SmsStatus") or "").lower()
    if state in FINAL_OK:
        return DeliveryReport(sid, DELIVERED, at=datetime.now(UTC), phone=str(form.get("To", "")))
    if state in FINAL_FAILED:
        code = str(form.get("ErrorCode") or "")
        reason = f"{code} {ERRORS.get(code, '')}".strip() if code else state
        return DeliveryReport(sid, UNDELIVERED, error=reason, phone=str(form.get("To", "")))
    return DeliveryReport(sid, SENT, phone=str(form.get("To", "")))
