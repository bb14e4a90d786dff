"""Encryption of secrets at rest with MultiFernet.

``HERALD_ENCRYPTION_KEYS`` is a comma-separated list: the first key encrypts, every key
decrypts. Rotation = put a new key first, run ``flask --app app keys rotate``, then drop
the old key once nothing uses it. ``core.rotation`` walks every column marked
``info={"encrypted": True}`` in the models.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class SecretUnreadable(RuntimeError):
    """A stored secret does not decrypt with any configured key."""


def _fernet() -> MultiFernet:
    app = current_app._get_current_object()
    cached = app.extensions.get("herald_fernet")
    if cached is None:
        raw = app.config["HERALD_ENCRYPTION_KEYS"]
        keys = [Fernet(k.strip()) for k in raw.split(",") if k.strip()]
        cached = app.extensions["herald_fernet"] = MultiFernet(keys)
    return cached


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "a stored secret does not decrypt with HERALD_ENCRYPTION_KEYS; "
            "was a key removed before `keys rotate` ran?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the first (newest) key; SecretUnreadable if no key reads it."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("no configured key decrypts this stored secret") from exc


def readable(token: str) -> bool:
    try:
        _fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def looks_like_token(value: str) -> bool:
    """A Fernet token starts with its version byte 0x80, "gAAAAA" in base64; no JSON text does
    (a JSON string starts with a quote), so plain and encrypted values of one column differ."""
    return value.startswith("gAAAAA")
