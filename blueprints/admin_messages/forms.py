"""The broadcast form: one business event, the values of its variables, who gets it, when.

The variables differ per event, so each event gets its own form class: a text field per
variable the admin fills in (``var_<name>``); the ones Herald fills in for each member
(``site_name``, ``member_name``) are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from core import catalog, settings
from services.notify import audience as audiences
from services.notify import events, schedule
from services.notify.dispatch import AUTO_VARIABLES, MAX_VALUE_LENGTH, NotifyError
from services.sign_in.notice import EVENT as ADMIN_NOTICE

VARIABLE_PREFIX = "var_"
# What a broadcast may send: business events only (never a code scene), and not the
# notice that goes to an admin who signed in.
BROADCAST_EVENTS = tuple(e for e in events.EVENTS.values()
                         if not e.scene and e.name != ADMIN_NOTICE and not e.for_admins)


def broadcast_event(name: Any) -> events.Event | None:
    return next((e for e in BROADCAST_EVENTS if e.name == name), None)


def typed_variables(spec: events.Event) -> list[events.Variable]:
    """The variables the admin types; Herald fills in the others for each member."""
    return [v for v in spec.variables if v.name not in AUTO_VARIABLES]


class BroadcastForm(FlaskForm):
    event = HiddenField()
    audience = RadioField(_l("Who gets it"), default=audiences.ALL, choices=[
        (audiences.ALL, _l("All active members")),
        (audiences.FILTER, _l("Active members matching a search"))])
    q = StringField(_l("Search term"), validators=[Length(max=254)],
                    description=_l("As on Site → Members: an ID, a phone, or part of a phone "
                                   "or email."))
    send_at = StringField(_l("Send at"), render_kw={"type": "datetime-local"})
    review = SubmitField(_l("Review"))

    spec: events.Event
    when: datetime | None = None  # send_at as aware UTC once validated; None: now

    def validate_q(self, field: StringField) -> None:
        if self.audience.data == audiences.FILTER and not (field.data or "").strip():
            raise ValidationError(_("Enter a search term, or choose all active members."))

    def validate_send_at(self, field: StringField) -> None:
        try:
            self.when = send_time(field.data or "", settings.get("basic.timezone"))
        except ValueError:
            raise ValidationError(_("Pick a date and time, or leave it empty to send now.")) \
                from None
        except NotifyError as exc:  # schedule's own rules, e.g. more than a year ahead
            limit = _("at most a year ahead")
            raise ValidationError(f"[{exc.code}] {catalog.message(exc.code)}: {limit}") \
                from None

    def variables(self) -> dict[str, str]:
        return {v.name: self[VARIABLE_PREFIX + v.name].data or ""
                for v in typed_variables(self.spec)}

    def variable_fields(self) -> list[Any]:
        return [self[VARIABLE_PREFIX + v.name] for v in typed_variables(self.spec)]

    def member_filter(self) -> dict[str, str] | None:
        if self.audience.data != audiences.FILTER:
            return None
        return {"q": (self.q.data or "").strip()}


def form_for(spec: events.Event, **kwargs: Any) -> BroadcastForm:
    """The broadcast form of ``spec``, with a field for each variable the admin types."""

    class EventForm(BroadcastForm):
        pass

    for variable in typed_variables(spec):
        setattr(EventForm, VARIABLE_PREFIX + variable.name, StringField(
            variable.description, validators=[DataRequired(), Length(max=MAX_VALUE_LENGTH)],
            render_kw={"placeholder": variable.sample_in()}))
    form = EventForm(**kwargs)
    form.spec = spec
    form.event.data = spec.name
    return form


def send_time(raw: str, zone: str) -> datetime | None:
    """The form's date and time, read in the site's time zone, as aware UTC (None: now).

    The schedule's rules apply as for the API: a time in the past sends now, more than a
    year ahead is refused (NotifyError); a value that is no date and time: ValueError.
    """
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) > 32 or "\x00" in raw:
        raise ValueError(raw[:32])
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return schedule.parse_send_at(moment.isoformat())
