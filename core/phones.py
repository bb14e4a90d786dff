"""Phone numbers: parsed and stored in E.164, destinations limited to allowed countries."""

from __future__ import annotations

import phonenumbers

from core import settings

DEFAULT_REGION = "CN"


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


def mask_phone(phone: str) -> str:
    """+8613812345678 -> +86138****5678, for pages that must not show the whole number."""
    if len(phone) < 8:
        return phone
    return phone[:-8] + "****" + phone[-4:]
