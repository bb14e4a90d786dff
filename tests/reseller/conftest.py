"""Fixtures for the reseller API: a published template, a reseller client, signed posts.

DNS is offline here as in the gateway tests, so nothing can reach a real host.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from core.signing import signed_headers
from extensions import db
from models import DeliveryAttempt, ResellerAccount, ResellerTemplate
from services.reseller import clients as reseller_clients
from services.reseller.clients import Credentials
from tests.gateways.conftest import dns  # noqa: F401  (autouse: no real DNS)

PATH = "/api/sms/send"
PHONE = "+8613800138000"
CODE_TEMPLATE = {"number": "1001", "name": "Verification code",
                 "content": "您的验证码是{{ code }}，{{ minutes }}分钟内有效。",
                 "variables": ["code", "minutes"], "provider_template_code": "SMS_154950909"}
PARAMS = {"code": "123456", "minutes": "10"}


def make_template(**values: Any) -> ResellerTemplate:
    row = ResellerTemplate(**{**CODE_TEMPLATE, **values})
    db.session.add(row)
    db.session.commit()
    return row


def make_reseller(client_id: str = "r10000001", quota: int = 5, templates=(), countries=(),
                  rate: int = 60) -> tuple[ResellerAccount, Credentials]:
    return reseller_clients.create(client_id, "Downstream Ltd", quota, list(templates),
                                   list(countries), rate)


def body(**fields: Any) -> dict:
    payload = {"phone": PHONE, "template_number": "1001", "params": dict(PARAMS),
               "idempotency_key": uuid.uuid4().hex}
    payload.update(fields)
    return {k: v for k, v in payload.items() if v is not ...}


def post(client, credentials: Credentials, payload: dict | bytes, *, path: str = PATH,
         nonce: str | None = None, timestamp: int | None = None, **header_changes: str):
    """POST a request signed as the documented scheme says, optionally altered."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                             "POST", PATH, raw, nonce=nonce or uuid.uuid4().hex,
                             timestamp=timestamp)
    headers.update(header_changes)
    return client.post(path, data=raw, headers=headers)


def get(client, credentials: Credentials, path: str, **header_changes: str):
    """GET ``path`` signed as the documented scheme says (the body is empty)."""
    headers = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                             "GET", path, b"", nonce=uuid.uuid4().hex)
    headers.update(header_changes)
    return client.get(path, headers=headers)


def attempts() -> list[DeliveryAttempt]:
    db.session.rollback()
    return list(db.session.scalars(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id)))


def quota_of(account: ResellerAccount) -> int:
    db.session.rollback()
    return db.session.get(ResellerAccount, account.id, populate_existing=True).quota


@pytest.fixture
def template(app) -> ResellerTemplate:
    return make_template()


@pytest.fixture
def reseller(app, template) -> tuple[ResellerAccount, Credentials]:
    return make_reseller()


@pytest.fixture
def api(client):
    """The test client; API requests carry no CSRF token (the signature replaces it)."""
    return client
