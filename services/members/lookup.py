"""Finding a member by what an admin or the CLI types: an id, a phone or an email."""

from __future__ import annotations

from core.phones import InvalidPhone, parse_phone
from extensions import db
from models import Member

MAX_ID_DIGITS = 9  # longer digit strings are phone numbers


def find(raw: str) -> Member | None:
    """A member by id, phone (any format the phone library reads) or email."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if raw.isdigit() and len(raw) <= MAX_ID_DIGITS:
        return db.session.get(Member, int(raw))
    if "@" in raw:
        return by_email(raw)
    return by_phone(raw)


def by_email(raw: str) -> Member | None:
    return db.session.scalar(db.select(Member).where(
        db.func.lower(Member.email) == raw.strip().lower()))


def by_phone(raw: str) -> Member | None:
    try:
        phone = parse_phone(raw, check_allowed=False)
    except InvalidPhone:
        return None
    return db.session.scalar(db.select(Member).where(Member.phone == phone))
