"""A reseller's queued messages after the answer: what their end does to the quota, and
what ``GET /api/sms/messages/<id>`` tells the reseller about one of them.

``POST /api/sms/send`` charges one message of quota when it queues the message
(``services.reseller.send``). The worker settles it later; the hook below runs in the
settling transaction, so the usage figures and a refund are committed with the message's
end. The quota is given back only when the message certainly did not go out: a provider's
refusal, a connection refused on every try. A read timeout, a connection dropped after the
request left, or a worker that died while sending (``outcome_unknown``) may have sent it,
so they stay charged.
"""

from __future__ import annotations

from typing import Any

from extensions import db
from gateways.base import SendResult
from models import DeliveryAttempt
from models.queue import KIND_RESELLER, OUT_FAILED, OUT_SENT, Outgoing
from services.delivery import outgoing
from services.reseller import quota as reseller_quota

ACCOUNT = "account_id"  # the key of the reseller account in the queued message's extra
MAX_MESSAGE_ID = 2**63 - 1


def beside(account_id: int) -> dict[str, Any]:
    """What the send puts beside the queued message for :func:`_settled`."""
    return {ACCOUNT: account_id}


@outgoing.on_settled(KIND_RESELLER)
def _settled(outcome: outgoing.Settled) -> None:
    account_id = (outcome.extra or {}).get(ACCOUNT)
    if account_id is None:
        return
    sent = outcome.status == OUT_SENT
    refund = outcome.status == OUT_FAILED and not may_have_gone_out(outcome.result)
    reseller_quota.count_result(int(account_id), sent=sent, refund=refund)


def may_have_gone_out(result: SendResult | None) -> bool:
    """A read timeout or a connection dropped after the request left may still have sent.

    ``None``: no gateway was called (the message expired in the queue), nothing went out.
    """
    if result is None:
        return False
    return result.error == "timeout" or (result.error == "unreachable" and not result.retryable)


def find(api_client_id: int, message_id: str) -> Outgoing | None:
    """The client's own queued message ``message_id`` (the id its send answer gave)."""
    if not (isinstance(message_id, str) and message_id.isascii() and message_id.isdigit()
            and len(message_id) <= 19 and 0 < int(message_id) <= MAX_MESSAGE_ID):
        return None
    row = db.session.get(Outgoing, int(message_id))
    if row is None or row.kind != KIND_RESELLER or row.api_client_id != api_client_id:
        return None
    return row


def as_dict(row: Outgoing) -> dict[str, Any]:
    """The message's state as the API shows it; the provider's id once a gateway took it."""
    attempt = db.session.get(DeliveryAttempt, row.attempt_id) if row.attempt_id else None
    return {
        "message_id": str(row.id), "status": row.status, "error": row.error,
        "tries": row.tries, "provider_message_id": attempt.message_id if attempt else "",
        "delivery_status": attempt.delivery_status if attempt else "",
        "created_at": row.created_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }
