"""Business-event dispatch for one recipient: what ``services.notify.jobs`` runs.

``services.notify.jobs.notify(event, member, **variables)`` checks the call here
(``business_event``, ``prepare_variables``, ``render_all``) and queues a job; the worker
runs the job through ``deliver_to``, which sends on every channel the matrix enables for
the event (``services.notify.matrix``) that the member can receive, in the member's
language (else the site default). The variables
are checked and every template rendered *before* anything goes out, so a bad call sends
nothing. A channel without a destination is logged as skipped (``no_destination``; on
WeChat ``not_bound``), not failed; every sent SMS leaves an in-site copy (seed 000: a
message in 站内消息 proves the panel sent it). The CLI, ``POST /api/events`` and the
fan-out path all come through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from jinja2 import TemplateError

from core import settings
from core.catalog.refusal import Refusal
from core.i18n import normalise
from core.phones import greeting_phone
from extensions import db
from gateways.base import Message
from models import DeliveryAttempt, InsiteMessage, Member
from models.delivery import STATUS_SENT, STATUS_SKIPPED
from models.message import ORIGIN_INSITE
from models.queue import KIND_EVENT
from services.delivery import outgoing
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.events import EMAIL, INSITE, SMS, WECHAT
from services.templates import rendering

AUTO_VARIABLES = ("site_name", "member_name")  # filled in when the caller leaves them out
MAX_VALUE_LENGTH = 1000
STATUS_OFF = "off"  # the matrix has this channel (or the whole event) switched off
STATUS_QUEUED = "queued"  # handed to the delivery worker; the job's progress tells the rest
INSITE_GATEWAY = "insite"


class NotifyError(Refusal):
    """A refused dispatch, before anything was sent: a catalog code and a detail."""


@dataclass(frozen=True)
class ChannelOutcome:
    """What happened on one channel: sent, failed, skipped (no destination) or off."""

    channel: str
    status: str
    destination: str = ""
    error: str = ""  # catalog code when failed or skipped
    gateway: str = ""


def deliver_to(spec: events.Event, member: Any, values: Mapping[str, str],
               job_id: str | None = None) -> tuple[list[ChannelOutcome], list[int]]:
    """Run ``spec`` for one recipient, in the worker: in-site messages and skips are
    written now, every other channel is queued as an outgoing message (the caller commits,
    then hands the returned ids to the queue)."""
    switches = event_settings.get(spec.name)
    if not switches.enabled:
        return [ChannelOutcome(channel, STATUS_OFF) for channel in spec.channels], []
    locale = member_locale(member)
    rendered = render_all(spec, switches.channels, locale, values)
    insite_here = INSITE in rendered and isinstance(member, Member)
    outcomes, queued = [], []
    for channel in spec.channels:
        if channel not in rendered:
            outcomes.append(ChannelOutcome(channel, STATUS_OFF))
        elif not destination(channel, member):
            outcomes.append(_skip(spec, channel, member))
        elif channel == INSITE:
            outcomes.append(_insite(spec, member, rendered[channel]))
        else:
            copy = sms_copy(spec, member, locale, in_inbox=not insite_here) \
                if channel == SMS and isinstance(member, Member) else None
            message = message_for(spec, destination(channel, member), rendered[channel])
            queued.append(outgoing.add(
                channel, message, kind=KIND_EVENT, job_id=job_id,
                member_id=member.id if isinstance(member, Member) else None,
                extra={"copy": copy} if copy else None))
            outcomes.append(ChannelOutcome(channel, STATUS_QUEUED, message.to))
    return outcomes, queued


def message_for(spec: events.Event, to: str, rendered: rendering.Rendered) -> Message:
    return Message(to=to, content=rendered.text, subject=rendered.subject, html=rendered.html,
                   template_code=rendered.template_code, params=rendered.params,
                   purpose=spec.name)


def sms_copy(spec: events.Event, member: Member, locale: str, in_inbox: bool) -> dict[str, Any]:
    """What the in-site copy of a sent SMS needs (seed 000: a message in 站内消息 proves
    the panel sent it); written when the SMS is sent."""
    return {"member_id": member.id, "title": event_title(spec, locale), "in_inbox": in_inbox}


def business_event(name: str) -> events.Event:
    spec = events.EVENTS.get(str(name))
    if spec is None:
        raise NotifyError("unknown_event", f"no event named {name!r}")
    if spec.scene:
        raise NotifyError("unknown_event", f"{name!r} is a verification-code scene; the code "
                                           "service sends those")
    return spec


def _check_member(member: Member) -> None:
    if member is None:
        raise NotifyError("member_not_found")
    if not getattr(member, "active", True):
        raise NotifyError("member_disabled", f"member {member.id} is disabled")


def prepare_variables(spec: events.Event, given: Mapping[str, Any],
                      member: Any = None) -> dict[str, str]:
    """The event's variables as text; unknown, missing or oversized ones are refused."""
    names = set(spec.variable_names())
    unknown = sorted(set(given) - names)
    if unknown:
        raise NotifyError("unknown_variables", ", ".join(unknown))
    values = {k: "" if v is None else str(v) for k, v in given.items()}
    values.update({k: v for k, v in auto_values(spec, member).items() if k not in values})
    missing = sorted(names - set(values))
    if missing:
        raise NotifyError("missing_variables", ", ".join(missing))
    too_long = sorted(k for k, v in values.items() if len(v) > MAX_VALUE_LENGTH)
    if too_long:
        raise NotifyError("bad_request", f"longer than {MAX_VALUE_LENGTH} characters: "
                                         + ", ".join(too_long))
    # No database column can be trusted with NUL (PostgreSQL refuses it: a 500 there).
    with_nul = sorted(k for k, v in values.items() if "\x00" in v)
    if with_nul:
        raise NotifyError("bad_request", "NUL character in: " + ", ".join(with_nul))
    return values


def auto_values(spec: events.Event, member: Any) -> dict[str, str]:
    names = spec.variable_names()
    values = {}
    if "site_name" in names:
        values["site_name"] = settings.get("basic.site_name")
    if "member_name" in names:
        # Fan-out checks the shared variables once with no member, then names each one.
        values["member_name"] = display_name(member) if member is not None else ""
    return values


def display_name(member: Any) -> str:
    """How a message greets the member: the phone with its middle masked, else the email."""
    phone = getattr(member, "phone", "") or ""
    if len(phone) >= 7:
        return greeting_phone(phone)
    return getattr(member, "email", "") or getattr(member, "username", "") or f"#{member.id}"


def member_locale(member: Any) -> str:
    return normalise(getattr(member, "language", "")) or settings.get("basic.default_language")


def render_all(spec: events.Event, channels: tuple[str, ...], locale: str,
               values: Mapping[str, str]) -> dict[str, rendering.Rendered]:
    """Every enabled channel's message, rendered before the first one is sent."""
    try:
        return {channel: rendering.render(spec.name, channel, locale, values)
                for channel in spec.channels if channel in channels}
    except (TemplateError, rendering.TemplateMissing) as exc:
        raise NotifyError("template_invalid", str(exc)) from exc


def destination(channel: str, member: Any) -> str:
    if channel == SMS:
        return getattr(member, "phone", "") or ""
    if channel == EMAIL:
        return getattr(member, "email", "") or ""
    if channel == WECHAT:
        return getattr(member, "wechat_openid", "") or ""
    return member_address(member) if isinstance(member, Member) else ""


def member_address(member: Member) -> str:
    """The destination in-site messages and skips are logged under."""
    return f"member:{member.id}"


def _skip(spec: events.Event, channel: str, member: Any) -> ChannelOutcome:
    where = member_address(member) if isinstance(member, Member) else \
        f"{type(member).__name__.lower()}:{member.id}"
    code, reason = skip_reason(channel)
    db.session.add(DeliveryAttempt(
        channel=channel, gateway="-", destination=where, purpose=spec.name,
        status=STATUS_SKIPPED, error=code, raw_message=reason))
    return ChannelOutcome(channel, STATUS_SKIPPED, "", code)


def skip_reason(channel: str) -> tuple[str, str]:
    """Why a recipient without an address on ``channel`` is skipped: a catalog code and a
    remark. WeChat has its own code: its address only comes from the member's binding."""
    if channel == WECHAT:
        return "not_bound", "the member has no active WeChat binding (never bound, unbound " \
                            "or unfollowed the official account)"
    return "no_destination", f"the recipient has no {channel} destination"


def _insite(spec: events.Event, member: Member, rendered: rendering.Rendered) -> ChannelOutcome:
    message = InsiteMessage(member_id=member.id, title=rendered.subject[:255],
                            body=rendered.text, origin_channel=ORIGIN_INSITE,
                            origin_event=spec.name)
    db.session.add(message)
    db.session.flush()
    where = member_address(member)
    db.session.add(DeliveryAttempt(
        channel=INSITE, gateway=INSITE_GATEWAY, destination=where, purpose=spec.name,
        status=STATUS_SENT, message_id=str(message.id), raw_message="stored in the inbox"))
    return ChannelOutcome(INSITE, STATUS_SENT, where, "", INSITE_GATEWAY)


def event_title(spec: events.Event, locale: str) -> str:
    with force_locale(locale):
        return str(spec.title)[:255]
