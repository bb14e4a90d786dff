"""Creating and changing reseller clients; every change is audited in its own transaction.

The API key is stored as a SHA-256 hash and the sign key encrypted (``core.crypto``): both are
returned once, at creation or reset, for the admin to hand to the downstream panel.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from core import audit, crypto
from core.signing import hash_api_key
from extensions import db
from models import KIND_RESELLER, ApiClient, ResellerAccount
from services.reseller import quota as reseller_quota

REDACTED = "******"


@dataclass(frozen=True)
class Credentials:
    """What the downstream admin types into the upstream gateway; shown once."""

    client_id: str
    api_key: str
    sign_key: str


def suggest_client_id() -> str:
    """A member ID nobody has yet: short, readable, easy to type into a form."""
    while True:
        candidate = f"r{secrets.randbelow(10**8):08d}"
        if find_client(candidate) is None:
            return candidate


def find_client(client_id: str) -> ApiClient | None:
    return db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id))


def account(account_id: int) -> ResellerAccount | None:
    return db.session.get(ResellerAccount, account_id)


def account_for_client(api_client_id: int) -> ResellerAccount | None:
    return db.session.scalar(db.select(ResellerAccount)
                             .where(ResellerAccount.api_client_id == api_client_id))


def create(client_id: str, name: str, quota: int, templates: Sequence[str],
           countries: Sequence[str], rate_per_minute: int) -> tuple[ResellerAccount, Credentials]:
    api_key, sign_key = _new_keys()
    client = ApiClient(client_id=client_id, name=name, kind=KIND_RESELLER,
                       api_key_hash=hash_api_key(api_key), sign_key=crypto.encrypt(sign_key))
    row = ResellerAccount(client=client, quota=quota, allowed_templates=list(templates),
                          allowed_countries=list(countries), rate_per_minute=rate_per_minute)
    db.session.add_all([client, row])
    audit.record("reseller.create", client_id, {
        "name": [None, name], "quota": [None, quota], "allowed_templates": [None, list(templates)],
        "allowed_countries": [None, list(countries)], "rate_per_minute": [None, rate_per_minute],
        "api_key": [None, REDACTED], "sign_key": [None, REDACTED]})
    db.session.commit()
    return row, Credentials(client_id, api_key, sign_key)


def update(row: ResellerAccount, name: str, templates: Sequence[str],
           countries: Sequence[str], rate_per_minute: int) -> dict:
    """Change the editable fields; returns the audited changes (empty when none)."""
    wanted = {"name": name, "allowed_templates": list(templates),
              "allowed_countries": list(countries), "rate_per_minute": rate_per_minute}
    current = {"name": row.client.name, "allowed_templates": list(row.allowed_templates),
               "allowed_countries": list(row.allowed_countries),
               "rate_per_minute": row.rate_per_minute}
    changes = {k: [current[k], v] for k, v in wanted.items() if current[k] != v}
    if changes:
        row.client.name = name
        row.allowed_templates = list(templates)
        row.allowed_countries = list(countries)
        row.rate_per_minute = rate_per_minute
        audit.record("reseller.update", row.client.client_id, changes)
    db.session.commit()
    return changes


def adjust_quota(row: ResellerAccount, delta: int) -> int | None:
    """Add or remove messages; None when the quota would go below zero."""
    before = row.quota
    after = reseller_quota.adjust(row.id, delta)
    if after is None:
        db.session.rollback()
        return None
    audit.record("reseller.quota", row.client.client_id, {"quota": [before, after]})
    db.session.commit()
    return after


def set_active(row: ResellerAccount, active: bool) -> None:
    if row.client.active == active:
        return
    audit.record("reseller.enable" if active else "reseller.disable", row.client.client_id,
                 {"active": [row.client.active, active]})
    row.client.active = active
    db.session.commit()


def reset_keys(row: ResellerAccount) -> Credentials:
    """New API and sign keys; the old ones stop working at once."""
    api_key, sign_key = _new_keys()
    row.client.api_key_hash = hash_api_key(api_key)
    row.client.sign_key = crypto.encrypt(sign_key)
    audit.record("reseller.reset_keys", row.client.client_id,
                 {"api_key": [REDACTED, REDACTED], "sign_key": [REDACTED, REDACTED]})
    db.session.commit()
    return Credentials(row.client.client_id, api_key, sign_key)


def delete(row: ResellerAccount) -> None:
    """Delete the client; its log rows stay, no longer linked to it."""
    client = row.client
    audit.record("reseller.delete", client.client_id,
                 {"name": [client.name, None], "quota": [row.quota, None]})
    db.session.delete(row)
    db.session.delete(client)
    db.session.commit()


def _new_keys() -> tuple[str, str]:
    return secrets.token_urlsafe(32), secrets.token_urlsafe(32)
