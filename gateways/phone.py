"""Phone number shapes providers ask for. Herald stores numbers in E.164 (``+8613800138000``)."""

from __future__ import annotations

import phonenumbers


def mainland_number(number: str) -> str | None:
    """The national number of a mainland China (+86) number, else None.

    A number without ``+`` is taken as already national: Chinese providers' own format.
    """
    if number.startswith("+86"):
        return number[3:]
    if not number.startswith("+"):
        return number
    return None


def national_number(number: str) -> str:
    """The national significant number (``+8613800138000`` -> ``13800138000``)."""
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return number.lstrip("+")
