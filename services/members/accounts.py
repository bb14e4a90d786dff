"""Member lookups and password checks shared by the member pages."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from core.passwords import hash_password
from core.phones import InvalidPhone, parse_phone
from extensions import db
from models.member import MEMBER_ACTIVE, Member


def find_member(identifier: str) -> Member | None:
    """The member whose phone (any written form) or email is ``identifier``."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return db.session.scalar(_BY_EMAIL, {"email": identifier.lower()})
    try:
        phone = parse_phone(identifier, check_allowed=False)
    except InvalidPhone:
        return None
    return db.session.scalar(_BY_PHONE, {"phone": phone})


# Built once: member lookups run on every sign-in and send-code request.
_BY_EMAIL = db.select(Member).where(Member.email == bindparam("email"))
_BY_PHONE = db.select(Member).where(Member.phone == bindparam("phone"))
_MEMBERS = Member.__table__
_RECIPIENT = db.select(_MEMBERS.c.id, _MEMBERS.c.status, _MEMBERS.c.language)
_RECIPIENT_BY_EMAIL = _RECIPIENT.where(_MEMBERS.c.email == bindparam("email"))
_RECIPIENT_BY_PHONE = _RECIPIENT.where(_MEMBERS.c.phone == bindparam("phone"))


@dataclass(frozen=True)
class Recipient:
    """What the send-code path needs of the account a destination belongs to."""

    id: int
    active: bool
    language: str


def recipient_of(destination: str) -> Recipient | None:
    """The account of a destination already normalised (``services.codes.destinations``: E.164
    or a lower-case email). Every send-code request asks: plain columns, not a Member
    object, and no second parse of the number as :func:`find_member` would do."""
    if "@" in destination:
        row = db.session.execute(_RECIPIENT_BY_EMAIL, {"email": destination}).first()
    else:
        row = db.session.execute(_RECIPIENT_BY_PHONE, {"phone": destination}).first()
    return None if row is None else Recipient(row.id, row.status == MEMBER_ACTIVE,
                                              row.language or "")


class DestinationTaken(ValueError):
    """Another account already uses this phone or email (unique in the database)."""


def register(phone: str, password: str, qq: str = "", referral_code: str = "",
             language: str = "") -> Member:
    """Create an active member; raises DestinationTaken when the phone has an account."""
    member = Member(phone=phone, password_hash=hash_password(password), qq=qq,
                    referral_code=referral_code, language=language)
    db.session.add(member)
    _commit_unique()
    return member


def set_password(member: Member, password: str) -> None:
    member.password_hash = hash_password(password)
    db.session.commit()


def change_phone(member: Member, phone: str) -> None:
    member.phone = phone
    _commit_unique()


def change_email(member: Member, email: str) -> None:
    member.email = email
    _commit_unique()


def change_protection(member: Member, question: str, answer: str) -> None:
    """Store the question and an argon2 hash of the answer (case and spaces ignored)."""
    member.protection_question = question.strip()
    member.protection_answer_hash = hash_password(normalise_answer(answer))
    db.session.commit()


def normalise_answer(answer: str) -> str:
    return " ".join(answer.split()).casefold()


def _commit_unique() -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DestinationTaken from None
