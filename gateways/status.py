"""Delivery reports: what a provider says happened to a message after it accepted it.

"Sent" in the logs means the provider took the message; only its delivery report tells
whether the handset got it (seed 000: 平台发送成功，客户没收到短信). The provider modules
(``aliyun_status``, ``tencent_status``, ``twilio_status``) turn their answers into
:class:`DeliveryReport` values; ``services.delivery.status`` stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from gateways.base import Gateway, SendResult

SENT = "sent"  # with the carrier, no handset receipt yet
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
# Chinese providers report times in Beijing time without a zone.
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str  # the provider's id of the message, as SendSms returned it
    status: str  # SENT | DELIVERED | UNDELIVERED
    error: str = ""  # the carrier's or provider's reason when not delivered
    at: datetime | None = None  # when the handset received it (aware UTC)
    phone: str = ""


class StatusQueryFailed(Exception):
    """The status query itself failed; ``result`` says why with a catalog code."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(f"{result.error}: {result.raw_code} {result.raw_message}")
        self.result = result


def beijing_time(text: str | None) -> datetime | None:
    """``2019-01-08 16:44:13`` in Beijing time as aware UTC; None when absent or malformed."""
    if not text:
        return None
    try:
        local = datetime.strptime(str(text).strip(), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=BEIJING).astimezone(UTC)


def redacted(gateway: Gateway, result: SendResult) -> SendResult:
    """``result`` with the gateway's secrets blanked out of its raw text (as ``send`` does)."""
    result.raw_message = gateway.redact(result.raw_message)
    return result
