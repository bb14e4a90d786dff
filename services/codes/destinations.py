"""Where a code may go: a phone number (E.164, allowed countries) or an email address."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from core.catalog.refusal import Refusal
from core.phones import InvalidPhone, parse_phone


class InvalidDestination(Refusal, ValueError):
    """Not a usable destination; ``code`` is the catalog code to show."""

    def __init__(self, code: str, channel: str):
        super().__init__(code)
        self.channel = channel


def normalise_email(raw: str) -> str:
    """The address in lower case; raises InvalidDestination (``invalid_email``)."""
    try:
        checked = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidDestination("invalid_email", "email") from None
    return checked.normalized.lower()


def normalise_destination(raw: str, allow_email: bool = False) -> str:
    """E.164 for a phone, lower case for an email (when ``allow_email``)."""
    raw = (raw or "").strip()
    if allow_email and "@" in raw:
        return normalise_email(raw)
    try:
        return parse_phone(raw)
    except InvalidPhone:
        raise InvalidDestination("invalid_phone", "sms") from None
