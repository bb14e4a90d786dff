"""The editor's three actions on submitted (maybe unsaved) parts: save, preview, test send.

Each validates first; a refusal is shown inline, on the field, with the line and reason,
and nothing is stored or sent.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from jinja2 import TemplateError
from werkzeug.wrappers import Response

from blueprints.admin_settings.test_send import destination_for
from blueprints.admin_templates import provider_check
from blueprints.admin_templates.forms import TemplateForm
from core import catalog, settings
from extensions import db
from gateways.base import REGISTRY, Message, SendResult
from gateways.errors import SIGN_FIELD_NAMES
from models import DeliveryAttempt, InsiteMessage
from models.delivery import STATUS_SENT
from services.delivery import messaging
from services.notify import dispatch as notify
from services.notify import events
from services.notify.events import INSITE, SMS
from services.templates import rendering, sms_length
from services.templates import store as template_store
from services.templates import validation as template_validation


def save(event: events.Event, channel: str, locale: str, form: TemplateForm,
         actor: str) -> Response | None:
    try:
        changes = template_store.save(event, channel, locale, form.parts(), actor=actor)
    except template_validation.TemplateInvalid as exc:
        _refuse(form, exc.problems)
        return None
    flash(_("Template saved.") if changes else _("Nothing changed."),
          "success" if changes else "info")
    return redirect(url_for(".edit", name=event.name, channel=channel, locale=locale))


def acceptable(event: events.Event, channel: str, form: TemplateForm) -> bool:
    """Validate without saving; problems go onto the form's fields."""
    parts = template_store.clean(channel, form.parts())
    try:
        template_validation.validate(event, channel, parts)
    except template_validation.TemplateInvalid as exc:
        _refuse(form, exc.problems)
        return False
    mismatches = provider_check.problems(event, channel, parts)
    if mismatches:
        _refuse(form, mismatches)
    return not mismatches


def preview(event: events.Event, channel: str, form: TemplateForm) -> dict[str, Any]:
    rendered = _rendered(event, channel, form)
    if rendered is None:
        return {"problems": True}
    return {"preview": rendered, "length": sms_measure(channel, rendered)}


def active_sign() -> str:
    """The signature the active SMS gateway puts in 【】 before the text, if it has one
    (Alibaba and Tencent add it on their side, SMSBao's gateway to the content)."""
    gateway = settings.get("sms.gateway")
    fields = getattr(REGISTRY["sms"].get(gateway), "fields", ())
    field = next((f.name for f in fields if f.name in SIGN_FIELD_NAMES), None)
    return str(settings.get(f"sms.{gateway}.{field}") or "") if field else ""


def sms_measure(channel: str, rendered: rendering.Rendered) -> sms_length.SmsLength | None:
    """An SMS's length as the phone receives it, from the text rendered with samples."""
    if channel != SMS or not rendered.text:
        return None
    return sms_length.measure(rendered.text, active_sign())


def length_warning(event: events.Event, channel: str,
                   form: TemplateForm) -> sms_length.SmsLength | None:
    """A multi-message SMS the admin has not yet agreed to save: warn instead of saving."""
    if channel != SMS or form.confirm_length.data:
        return None
    rendered = _rendered(event, channel, form)
    length = sms_measure(channel, rendered) if rendered else None
    if length is None or length.segments <= 1:
        return None
    flash(_("This SMS is billed as %(n)d messages. Shorten it, or tick \"Save anyway\" and "
            "save again.", n=length.segments), "warning")
    return length


def test_send(event: events.Event, channel: str, form: TemplateForm) -> dict[str, Any]:
    """Send the submitted template, rendered with sample values, to the typed address."""
    if not (form.destination.data or "").strip():
        form.destination.errors = [_("Enter where to send the test message.")]
        return {"problems": True}
    rendered = _rendered(event, channel, form)
    if rendered is None:
        return {"problems": True}
    try:
        to = destination_for(channel, form.destination.data)
    except ValueError as exc:
        form.destination.errors = [str(exc)]
        return {"problems": True, "preview": rendered}
    if channel == INSITE:
        result = _insite_test(event, to, rendered)
    else:
        message = Message(to=to, content=rendered.text, subject=rendered.subject,
                          html=rendered.html, template_code=rendered.template_code,
                          params=rendered.params, purpose=event.name)
        result = messaging.send(channel, message, test=True).result
    return {"test_result": result, "preview": rendered}


def _rendered(event: events.Event, channel: str, form: TemplateForm) -> rendering.Rendered | None:
    parts = template_store.clean(channel, form.parts())
    try:
        template_validation.validate(event, channel, parts)
        rendered = template_store.preview(event, channel, parts)
    except template_validation.TemplateInvalid as exc:
        _refuse(form, exc.problems)
    except TemplateError as exc:  # a bound hit while rendering the sample values
        form.form_errors.append(str(exc))
        flash(f"[template_invalid] {catalog.message('template_invalid')}", "danger")
    else:
        mismatches = provider_check.problems(event, channel, parts)
        if mismatches:  # shown, but the preview still renders: it explains the mismatch
            _refuse(form, mismatches)
        return rendered
    return None


def _refuse(form: TemplateForm, problems: list[template_validation.Problem]) -> None:
    for problem in problems:  # the Problem itself: its __html__ shows a detail as code
        form[problem.part].errors = [*form[problem.part].errors, problem]
    flash(f"[template_invalid] {catalog.message('template_invalid')}", "danger")


def _insite_test(event: events.Event, member_id: str, rendered: rendering.Rendered) -> SendResult:
    message = InsiteMessage(member_id=int(member_id), title=rendered.subject[:255],
                            body=rendered.text, origin_event=event.name)
    db.session.add(message)
    db.session.flush()
    db.session.add(DeliveryAttempt(
        channel=INSITE, gateway=notify.INSITE_GATEWAY, destination=f"member:{member_id}",
        purpose=event.name, status=STATUS_SENT, message_id=str(message.id), test=True,
        raw_message="stored in the inbox"))
    db.session.commit()
    return SendResult.sent(notify.INSITE_GATEWAY, message_id=str(message.id),
                           raw_message=_("Stored in the member's inbox."))
