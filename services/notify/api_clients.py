"""API clients of ``POST /api/events`` (kind "events"): create, disable, delete.

Their keys are made by ``core.api_keys`` and shown once, for the admin to hand to the
business system.
"""

from __future__ import annotations

import secrets

from core import audit
from core.api_keys import KEYS_CREATED, Credentials, new_keys
from extensions import db
from models import KIND_EVENTS, ApiClient


def all_clients() -> list[ApiClient]:
    return list(db.session.scalars(db.select(ApiClient).where(ApiClient.kind == KIND_EVENTS)
                                   .order_by(ApiClient.id)))


def get(client_pk: int) -> ApiClient | None:
    client = db.session.get(ApiClient, client_pk)
    return client if client is not None and client.kind == KIND_EVENTS else None


def create(name: str) -> Credentials:
    client = ApiClient(client_id=_new_client_id(), name=name, kind=KIND_EVENTS)
    credentials = new_keys(client)
    db.session.add(client)
    audit.record("event_client.create", client.client_id, {"name": [None, name], **KEYS_CREATED})
    db.session.commit()
    return credentials


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
