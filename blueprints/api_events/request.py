"""Reading the JSON body of ``POST /api/events`` into an event, a member and variables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from extensions import db
from models import Member
from services.members import lookup as member_lookup
from services.notify.dispatch import NotifyError

SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class EventRequest:
    event: str
    member: Member
    variables: dict[str, Any]


def parse(body: bytes) -> EventRequest:
    """The request, or NotifyError with ``bad_request`` / ``member_not_found``."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise NotifyError("bad_request", "the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise NotifyError("bad_request", "the body must be a JSON object")
    event = data.get("event")
    if not isinstance(event, str) or not event:
        raise NotifyError("bad_request", '"event" must be a non-empty string')
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(
            isinstance(v, SCALARS) for v in variables.values()):
        raise NotifyError("bad_request", '"variables" must be an object of text or numbers')
    return EventRequest(event, find_member(data), variables)


def find_member(data: dict[str, Any]) -> Member:
    keys = [k for k in ("member_id", "phone", "email") if data.get(k) not in (None, "")]
    if len(keys) != 1:
        raise NotifyError("bad_request", 'give exactly one of "member_id", "phone", "email"')
    value = data[keys[0]]
    member = _lookup(keys[0], value)
    if member is None:
        raise NotifyError("member_not_found", f"no member with {keys[0]} {value!r}")
    return member


def _lookup(key: str, value: Any) -> Member | None:
    if key == "member_id":
        if isinstance(value, bool) or not isinstance(value, int | str) or \
                not str(value).isdigit() or len(str(value)) > 18:
            raise NotifyError("bad_request", '"member_id" must be an integer')
        return db.session.get(Member, int(value))
    if not isinstance(value, str) or len(value) > 254:
        raise NotifyError("bad_request", f'"{key}" must be a string')
    if key == "email":
        return member_lookup.by_email(value)
    return member_lookup.by_phone(value)
