"""API clients of ``POST /api/events`` (kind "events"): create, disable, delete.

The API key is stored as a SHA-256 hash and the sign key encrypted (``core.crypto``); both
are returned once, at creation, for the admin to hand to the business system.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from core import audit, crypto
from core.signing import hash_api_key
from extensions import db
from models import KIND_EVENTS, ApiClient

REDACTED = "******"


@dataclass(frozen=True)
class Credentials:
    client_id: str
    api_key: str
    sign_key: str


def all_clients() -> list[ApiClient]:
    return list(db.session.scalars(db.select(ApiClient).where(ApiClient.kind == KIND_EVENTS)
                                   .order_by(ApiClient.id)))


def get(client_pk: int) -> ApiClient | None:
    client = db.session.get(ApiClient, client_pk)
    return client if client is not None and client.kind == KIND_EVENTS else None


def create(name: str) -> Credentials:
    client_id = _new_client_id()
    api_key, sign_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.session.add(ApiClient(client_id=client_id, name=name, kind=KIND_EVENTS,
                             api_key_hash=hash_api_key(api_key),
                             sign_key=crypto.encrypt(sign_key)))
    audit.record("event_client.create", client_id, {
        "name": [None, name], "api_key": [None, REDACTED], "sign_key": [None, REDACTED]})
    db.session.commit()
    return Credentials(client_id, api_key, sign_key)


def set_active(client: ApiClient, active: bool) -> None:
    if client.active != active:
        audit.record("event_client.enable" if active else "event_client.disable",
                     client.client_id, {"active": [client.active, active]})
        client.active = active
    db.session.commit()


def delete(client: ApiClient) -> None:
    audit.record("event_client.delete", client.client_id, {"name": [client.name, None]})
    db.session.delete(client)
    db.session.commit()


def _new_client_id() -> str:
    while True:
        candidate = f"e{secrets.randbelow(10**8):08d}"
        if db.session.scalar(db.select(ApiClient.id).where(
                ApiClient.client_id == candidate)) is None:
            return candidate
