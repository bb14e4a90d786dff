"""Keys of the signed APIs' clients, for both kinds (``/api/events`` callers and resellers).

The API key is stored as a SHA-256 hash and the sign key encrypted (``core.crypto``); both
are returned once, at creation or reset, for the admin to hand over, and audited redacted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from core import crypto
from core.signing import hash_api_key
from models import ApiClient

REDACTED = "******"
KEYS_CREATED = {"api_key": [None, REDACTED], "sign_key": [None, REDACTED]}  # audit changes
KEYS_REPLACED = {"api_key": [REDACTED, REDACTED], "sign_key": [REDACTED, REDACTED]}


@dataclass(frozen=True)
class Credentials:
    """What the caller types into its side; shown once."""

    client_id: str
    api_key: str
    sign_key: str


def new_keys(client: ApiClient) -> Credentials:
    """Give ``client`` a fresh API key and sign key; the old ones stop working at once."""
    api_key, sign_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    client.api_key_hash = hash_api_key(api_key)
    client.sign_key = crypto.encrypt(sign_key)
    return Credentials(client.client_id, api_key, sign_key)
