"""Creating and changing reseller clients; every change is audited in its own transaction.

Keys are made by ``core.api_keys`` and shown once, at creation or reset, for the admin to
hand to the downstream panel.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from core import audit
from core.api_keys import KEYS_CREATED, KEYS_REPLACED, Credentials, new_keys
from extensions import db
from models import KIND_RESELLER, ApiClient, ResellerAccount
from services.reseller import quota as reseller_quota


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
    client = ApiClient(client_id=client_id, name=name, kind=KIND_RESELLER)
    credentials = new_keys(client)
    row = ResellerAccount(client=client, quota=quota, allowed_templates=list(templates),
                          allowed_countries=list(countries), rate_per_minute=rate_per_minute)
    db.session.add_all([client, row])
    audit.record("reseller.create", client_id, {
        "name": [None, name], "quota": [None, quota], "allowed_templates": [None, list(templates)],
        "allowed_countries": [None, list(countries)], "rate_per_minute": [None, rate_per_minute],
        **KEYS_CREATED})
    db.session.commit()
    return row, credentials


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
    credentials = new_keys(row.client)
    audit.record("reseller.reset_keys", row.client.client_id, KEYS_REPLACED)
    db.session.commit()
    return credentials


def delete(row: ResellerAccount) -> None:
    """Delete the client; its log rows stay, no longer linked to it."""
    client = row.client
    audit.record("reseller.delete", client.client_id,
                 {"name": [client.name, None], "quota": [row.quota, None]})
    db.session.delete(row)
    db.session.delete(client)
    db.session.commit()

