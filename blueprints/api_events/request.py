"""Reading the JSON body of ``POST /api/events``: an event, who it is for (one member, a
list of member ids or ``"all"``), its variables and when to send it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from extensions import db
from models import Member
from services.members import lookup as member_lookup
from services.notify import audience
from services.notify.dispatch import NotifyError
from services.notify.schedule import parse_send_at

SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class EventRequest:
    event: str
    member: Member | None  # one member; None for a broadcast
    variables: dict[str, Any]
    audience: str = ""  # a broadcast: "all" or "list"
    member_ids: list[int] | None = None
    send_at: datetime | None = None


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
    send_at = parse_send_at(data.get("send_at"))
    if "members" in data:
        if any(data.get(k) not in (None, "") for k in ("member_id", "phone", "email")):
            raise NotifyError("bad_request", 'give "members" or one of "member_id", "phone", '
                                             '"email", not both')
        audience, ids = _members(data["members"])
        return EventRequest(event, None, variables, audience, ids, send_at)
    return EventRequest(event, find_member(data), variables, send_at=send_at)


def _members(value: Any) -> tuple[str, list[int] | None]:
    if value == audience.ALL:
        return audience.ALL, None
    if isinstance(value, list) and value and len(value) <= audience.MAX_LIST and all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in value):
        return audience.LIST, value
    raise NotifyError("bad_request", f'"members" must be "all" or a list of 1 to '
                                     f'{audience.MAX_LIST} member ids')




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
