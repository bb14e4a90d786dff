"""Member lookups and password checks shared by the member pages."""

from __future__ import annotations

from core.passwords import hash_password, needs_rehash, verify_password
from extensions import db
from models.member import Member
from services.phones import InvalidPhone, parse_phone


def find_member(identifier: str) -> Member | None:
    """The member whose phone (any written form) or email is ``identifier``."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return db.session.scalar(db.select(Member).where(Member.email == identifier.lower()))
    try:
        phone = parse_phone(identifier, check_allowed=False)
    except InvalidPhone:
        return None
    return db.session.scalar(db.select(Member).where(Member.phone == phone))


def authenticate(identifier: str, password: str) -> Member | None:
    """The active member with these credentials, or None (the same cost either way)."""
    member = find_member(identifier)
    ok = verify_password(member.password_hash if member else None, password)
    if not ok or member is None or not member.active:
        return None
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    return member
