"""``POST /api/sms/send`` after the signature checked out: validate, claim, charge, queue.

Order matters. Cheap checks of the body come first; a repeated idempotency key is answered
from the record before anything else could refuse it (a template disabled since then must
not change the first answer); the quota is charged only once the request is known to be
sendable. The charge, the queued message and the idempotency answer are committed in one
transaction, then the message is handed to the delivery worker: the answer (``202``,
``status: queued``) never waits for a gateway. ``services.reseller.messages`` gives the
quota back when the worker finds the message certainly did not go out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from core import settings
from core.phones import InvalidPhone, country_of, parse_phone
from extensions import db
from gateways.base import Message
from models import ApiClient, ResellerAccount, ResellerRequest, ResellerTemplate
from models.queue import KIND_RESELLER, OUT_QUEUED
from services.delivery import outgoing
from services.reseller import limits as reseller_limits
from services.reseller import messages as reseller_messages
from services.reseller import quota as reseller_quota
from services.reseller import templates as reseller_templates
from services.reseller.clients import account_for_client
from services.reseller.requests import (
    Answer,
    Refusal,
    Replayed,
    body_hash,
    claim,
    complete,
    previous,
    release,
)

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_PHONE_LENGTH = 32


@dataclass(frozen=True)
class SendRequest:
    phone: str
    template_number: str
    params: Any
    idempotency_key: str
    digest: str


def handle(client: ApiClient, body: bytes) -> Answer:
    """The answer to one signed request from ``client``; never raises Refusal."""
    try:
        request = parse(body)
        account = account_for_client(client.id)
        if account is None:  # an API client of kind reseller without its account row
            raise Refusal("auth_failed", 401, "this member ID has no reseller account")
        if request.idempotency_key:
            replay = previous(client.id, request.idempotency_key, request.digest)
            if replay is not None:
                return replay
        return _send(account, request)
    except Refusal as refusal:
        data = {"detail": refusal.detail} if refusal.detail else {}
        return Answer(refusal.status, refusal.code, data)
    except Replayed as replayed:
        return replayed.answer


def parse(body: bytes) -> SendRequest:
    """The request's fields in their expected types, or Refusal saying which is wrong."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurd nesting or digits
        raise Refusal("bad_request", 400, "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise Refusal("bad_request", 400, "the body must be a JSON object")
    key = data.get("idempotency_key")
    if key is not None and not (isinstance(key, str) and KEY_PATTERN.fullmatch(key)):
        raise Refusal("bad_request", 400, "idempotency_key must be 1-64 characters "
                      "[A-Za-z0-9_.:-]")
    return SendRequest(_phone_field(data.get("phone")), _number_field(data.get("template_number")),
                       data.get("params"), key or "", body_hash(data))


def _number_field(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Refusal("template_number_missing", 422, "template_number is empty")
    if not isinstance(value, str):
        raise Refusal("bad_request", 400, "template_number must be text")
    return value.strip()


def _phone_field(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_PHONE_LENGTH:
        raise Refusal("invalid_phone", 422, "phone must be a phone number as text")
    return value.strip()


def _send(account: ResellerAccount, request: SendRequest) -> Answer:
    template = _template(account, request.template_number)
    try:
        params = reseller_templates.checked_params(template, request.params)
    except reseller_templates.ParamsInvalid as exc:
        raise Refusal("template_params_invalid", 422, str(exc)) from None
    message = _message(template, _destination(account, request.phone), params)
    claimed = claim(account.api_client_id, request.idempotency_key, request.digest) \
        if request.idempotency_key else None
    try:
        answer = _charge_and_queue(account, message, claimed)
    except Exception:  # a refusal or a failed write: nothing charged, the key free again
        db.session.rollback()
        if claimed is not None:
            release(claimed)
        raise
    # Charged and answered for: a queue down now is the sweep's to make good, not an error.
    outgoing.hand_over([int(answer.data["message_id"])])
    return answer


def _charge_and_queue(account: ResellerAccount, message: Message,
                      claimed: ResellerRequest | None) -> Answer:
    """Charge, queue and store the first answer in one transaction: all or nothing."""
    _charge(account, message.to)
    outgoing_id = outgoing.add("sms", message, kind=KIND_RESELLER,
                               api_client_id=account.api_client_id,
                               extra=reseller_messages.beside(account.id))
    answer = Answer(202, "ok", {"message_id": str(outgoing_id), "status": OUT_QUEUED,
                                "quota_remaining": reseller_quota.remaining(account.id)})
    if claimed is not None:
        complete(claimed, answer)
    db.session.commit()
    return answer


def _charge(account: ResellerAccount, phone: str) -> None:
    """Take the phone's daily slot and one message of quota together, or neither (the
    caller rolls back a refusal and commits a charge with the queued message)."""
    if not reseller_limits.reserve(phone):
        raise Refusal("code_limit", 429, "this phone reached the upstream's daily cap")
    if not reseller_quota.take_one(account.id):
        raise Refusal("quota_exhausted", 402, "no messages left on this member ID")


def _template(account: ResellerAccount, number: str) -> ResellerTemplate:
    # Checked before the query: a lone surrogate or NUL cannot even be sent to the database.
    valid = reseller_templates.NUMBER_PATTERN.fullmatch(number)
    template = reseller_templates.find(number) if valid else None
    if template is None or not template.enabled:
        raise Refusal("unknown_template", 404, f"no enabled template numbered {number[:32]!r}")
    if account.allowed_templates and number not in account.allowed_templates:
        raise Refusal("template_not_allowed", 403,
                      f"template {number} is not allowed for this member ID")
    return template


def _destination(account: ResellerAccount, raw: str) -> str:
    """E.164 of ``raw`` when its country is allowed for this client, else ``invalid_phone``."""
    try:
        phone = parse_phone(raw, check_allowed=False)
    except InvalidPhone:
        raise Refusal("invalid_phone", 422, "not a valid phone number") from None
    region = country_of(phone)
    allowed = account.allowed_countries or settings.get("member.allowed_countries")
    if region not in {code.upper() for code in allowed}:
        raise Refusal("invalid_phone", 422, f"numbers in {region} are not allowed")
    return phone


def _message(template: ResellerTemplate, phone: str, params: dict[str, str]) -> Message:
    try:
        content = reseller_templates.render(template.content, params)
    except reseller_templates.TemplateContentError as exc:
        raise Refusal("content_rejected", 422, str(exc)) from None
    return Message(to=phone, content=content, template_code=template.provider_template_code,
                   params=params, purpose=f"reseller:{template.number}")
