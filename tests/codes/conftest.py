"""Helpers for the verification-code tests: members, the send-code endpoint, the Outbox."""

from __future__ import annotations

import re

import pytest

from core import crypto
from core.passwords import hash_password
from extensions import db
from models import Member, OutboxMessage

PHONE = "+8613800138001"
NATIONAL = "13800138001"
EMAIL = "member@example.com"
PASSWORD = "Blue-Harbour-42"
JSON = {"Accept": "application/json"}


@pytest.fixture
def member(app):
    row = Member(phone=PHONE, email=EMAIL, password_hash=hash_password(PASSWORD))
    db.session.add(row)
    db.session.commit()
    return row


def send(client, scene: str, destination: str = PHONE, **fields):
    """POST /codes/send as the page's button does; the gateway runs when the answer closes."""
    data = {"scene": scene, "destination": destination, **fields}
    response = client.post("/codes/send", data=data, headers=JSON, buffered=True)
    response.close()
    return response


def outbox_codes(destination: str = PHONE) -> list[str]:
    """Codes the log gateway "sent" to ``destination``, oldest first."""
    rows = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.destination == destination).order_by(OutboxMessage.id))
    return [re.search(r"\d{4,8}", crypto.decrypt(row.content)).group(0) for row in rows]


def last_code(destination: str = PHONE) -> str:
    found = outbox_codes(destination)
    assert found, f"no code was sent to {destination}"
    return found[-1]


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def csrf(client) -> str:
    return client.csrf_token()
