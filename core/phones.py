"""Phone numbers: the one place typed text becomes E.164, and what pages say about a number.

Every input path (member and admin forms, searches, the code-log filter, blocks, the
tracer, the reseller API) calls ``parse_phone``; Herald stores and compares only its
answer. The shapes providers ask for (national digits, mainland without +86) are the
gateways' business: ``gateways/phone.py``, which stays free of settings.
"""

from __future__ import annotations

import phonenumbers

from core import settings

DEFAULT_REGION = "CN"
MAINLAND = "+86"


class InvalidPhone(ValueError):
    """Not a valid number, or one in a country codes may not be sent to (``invalid_phone``)."""

    code = "invalid_phone"


def parse_phone(raw: str, check_allowed: bool = True) -> str:
    """E.164 form of ``raw`` (national numbers are read as Chinese ones).

    With ``check_allowed`` the number's country must be in ``member.allowed_countries``.
    """
    try:
        number = phonenumbers.parse((raw or "").strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(raw) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    if check_allowed and not country_allowed(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_allowed(number: phonenumbers.PhoneNumber) -> bool:
    region = phonenumbers.region_code_for_number(number)
    allowed = {code.upper() for code in settings.get("member.allowed_countries")}
    return region in allowed


def country_of(phone: str) -> str | None:
    """The region code (``CN``) of an E.164 number; None when it has none."""
    parts = _parsed(phone)
    return phonenumbers.region_code_for_number(parts) if parts is not None else None


def prefix_of(phone: str) -> str:
    """``+86138``: the country code and the first three digits of the national number."""
    parts = _parsed(phone)
    if parts is None:
        return phone[:6]
    return f"+{parts.country_code}{str(parts.national_number)[:3]}"


def _parsed(phone: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None


def mask_phone(phone: str) -> str:
    """+8613812345678 -> +86138****5678, for pages that must not show the whole number."""
    if len(phone) < 8:
        return phone
    return phone[:-8] + "****" + phone[-4:]


def greeting_phone(phone: str) -> str:
    """How a message names its reader: 138****5678 (a mainland number loses +86)."""
    return mask_phone(phone[len(MAINLAND):] if phone.startswith(MAINLAND) else phone)
