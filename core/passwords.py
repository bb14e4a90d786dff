"""Password hashing with argon2id (memory-hard), via argon2-cffi.

Production uses argon2-cffi's default parameters (RFC 9106 low-memory profile). The test
suite may select the cheapest profile with ``HERALD_PASSWORD_PROFILE=test`` so that
hundreds of sign-ins stay fast; ``config.validate`` refuses that profile in production.
"""

from __future__ import annotations

from typing import Protocol, TypeVar

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

_HASHERS = {
    "default": PasswordHasher(),
    "test": PasswordHasher.from_parameters(profiles.CHEAPEST),
}
# Valid hashes verified against when the account does not exist, so an unknown username
# costs the same time as a wrong password.
_DUMMY = {name: hasher.hash("herald-timing-equaliser") for name, hasher in _HASHERS.items()}


def _profile() -> str:
    if has_app_context():
        return current_app.config.get("HERALD_PASSWORD_PROFILE", "default")
    return "default"


def hash_password(password: str) -> str:
    return _HASHERS[_profile()].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    profile = _profile()
    try:
        return _HASHERS[profile].verify(password_hash or _DUMMY[profile], password) \
            and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _HASHERS[_profile()].check_needs_rehash(password_hash)


class Account(Protocol):
    password_hash: str

    @property
    def active(self) -> bool: ...


AccountT = TypeVar("AccountT", bound=Account)


def signed_in(account: AccountT | None, password: str) -> AccountT | None:
    """``account`` when it is active and ``password`` is its own, else None: admins and
    members alike. Costs one hash either way (an unknown account is no faster), and an
    outdated hash is upgraded on the way."""
    ok = verify_password(account.password_hash if account else None, password)
    if not ok or account is None or not account.active:
        return None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return account
