"""Phone number shapes providers ask for. Herald stores numbers in E.164 (``+8613800138000``).

Typed text becomes E.164 in one place, ``core/phones.py`` (it reads the allowed countries
from settings); this module only reshapes a stored E.164 number for a provider, so the
gateways stay pure.
"""

from __future__ import annotations

import phonenumbers

MAINLAND = "+86"


def mainland_number(number: str) -> str | None:
    """The national number of a mainland China (+86) number, else None.

    A number without ``+`` is taken as already national: Chinese providers' own format.
    """
    if number.startswith(MAINLAND):
        return number[len(MAINLAND):]
    if not number.startswith("+"):
        return number
    return None


def digits_number(number: str) -> str:
    """Mainland numbers without +86, others as country code + number without '+'
    (Alibaba Cloud's ``PhoneNumbers``)."""
    national = mainland_number(number)
    return national if national is not None else number.lstrip("+")


def national_number(number: str) -> str:
    """The national significant number (``+8613800138000`` -> ``13800138000``)."""
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return number.lstrip("+")
