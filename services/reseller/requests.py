"""Idempotency for ``POST /api/sms/send``: one key, one send, the first answer every time.

A key is claimed by inserting a pending row before the message is charged and queued; the
unique constraint on (client, key) lets exactly one of two concurrent requests win. The
loser gets the stored answer, or ``request_in_progress`` while the winner is still queuing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError

from extensions import db
from models import ResellerRequest


@dataclass
class Answer:
    """An API answer before words are added: the HTTP status, a catalog code, extra fields."""

    status: int
    code: str
    data: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


class Replayed(Exception):
    """A concurrent request with the same key answered first; ``answer`` is its answer."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.code)
        self.answer = answer


class Refusal(Exception):
    """The request is refused with a catalog code; nothing was sent."""

    def __init__(self, code: str, status: int, detail: str = "") -> None:
        super().__init__(code, status, detail)
        self.code, self.status, self.detail = code, status, detail


def body_hash(payload: dict[str, Any]) -> str:
    """Hash of the request's meaning: key order and whitespace do not change it."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def previous(api_client_id: int, key: str, digest: str) -> Answer | None:
    """The stored answer for ``key``, or None when the key is new."""
    row = _row(api_client_id, key)
    return None if row is None else _replay(row, digest)


def claim(api_client_id: int, key: str, digest: str) -> ResellerRequest:
    """Claim ``key`` for this request; Refusal or Replayed when it is taken."""
    row = ResellerRequest(api_client_id=api_client_id, idempotency_key=key, body_hash=digest)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _row(api_client_id, key)
        if existing is None:  # claimed and released in between: still not ours to run
            raise Refusal("request_in_progress", 409) from None
        raise Replayed(_replay(existing, digest)) from None
    return row


def release(row: ResellerRequest) -> None:
    """Give up a claim when the request is refused before sending (quota, limits)."""
    db.session.delete(row)
    db.session.commit()


def complete(row: ResellerRequest, answer: Answer) -> None:
    """Store the first answer on the claim; the caller commits it with what it answers."""
    row.status = answer.status
    row.answer = {"code": answer.code, **answer.data}


def _row(api_client_id: int, key: str) -> ResellerRequest | None:
    return db.session.scalar(db.select(ResellerRequest).where(
        ResellerRequest.api_client_id == api_client_id, ResellerRequest.idempotency_key == key))


def _replay(row: ResellerRequest, digest: str) -> Answer:
    if row.body_hash != digest:
        raise Refusal("idempotency_key_reused", 409,
                      "this idempotency key was used for a request with another body")
    if row.status is None:
        raise Refusal("request_in_progress", 409)
    data = {k: v for k, v in (row.answer or {}).items() if k != "code"}
    return Answer(row.status, str((row.answer or {}).get("code", "unknown")), data, replayed=True)
