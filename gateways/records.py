"""What a provider keeps about our account: the review state of a signature or template,
and the balance left. ``aliyun_records``, ``tencent_records`` and ``balance`` read them;
the Diagnostics page, the SMS tab and the low-balance alert show them.

A failed query raises ``gateways.status.StatusQueryFailed`` with a catalog code, as the
delivery-status queries do: one failure type for every "ask the provider" call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from gateways.base import Gateway
from gateways.errors import result_from_exception
from gateways.status import StatusQueryFailed, redacted

APPROVED = "approved"
REVIEWING = "reviewing"
REFUSED = "refused"
MISSING = "missing"  # the provider has no signature or template of that name or number

SIGN, TEMPLATE = "sign", "template"
MESSAGES = "messages"  # a balance counted in messages (SMSBao, Tencent packages)

T = TypeVar("T")


@dataclass(frozen=True)
class Record:
    kind: str  # SIGN | TEMPLATE
    key: str  # the signature name or the template number, as Herald sends it
    status: str  # APPROVED | REVIEWING | REFUSED | MISSING
    reason: str = ""  # the provider's own words for a refusal, as it gave them
    content: str = ""  # an approved template's text, with the provider's placeholders

    @property
    def usable(self) -> bool:
        return self.status == APPROVED


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    unit: str  # MESSAGES, or a currency code (Twilio: "USD")
    detail: str = ""  # how it was read, e.g. "3 packages"

    def below(self, threshold: float) -> bool:
        return threshold > 0 and self.amount < Decimal(str(threshold))


def decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def asking(gateway: Gateway, call: Callable[[], T]) -> T:
    """``call()``, with network trouble turned into ``StatusQueryFailed`` (secrets blanked)."""
    try:
        return call()
    except StatusQueryFailed:
        raise
    except Exception as exc:
        raise StatusQueryFailed(redacted(gateway, result_from_exception(gateway.name, exc))) \
            from exc
