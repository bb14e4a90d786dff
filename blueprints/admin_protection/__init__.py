"""The operation-protection confirmation page: send a code, enter it, run the action."""

from __future__ import annotations

import hashlib

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blueprints.guards import admin_blueprint
from core import audit, catalog, protection
from core.audit import client_ip
from core.i18n import current_language
from extensions import limiter
from services.codes import issue as codes
from services.codes import sending
from services.codes.issue import CodeRequest
from services.codes.limits import LimitReached
from services.delivery import messaging

bp = admin_blueprint("admin_protection", __name__, "/confirm")

SCENE = "operation_protection"


class SendForm(FlaskForm):
    channel = RadioField(_l("Send the code by"), choices=[], validators=[DataRequired()])
    send = SubmitField(_l("Send code"))


class ContinueForm(FlaskForm):
    """Run the parked action without a new code: this session confirmed one moments ago."""

    proceed = SubmitField(_l("Continue"))


class ConfirmForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    confirm = SubmitField(_l("Confirm and continue"))


def destinations() -> dict[str, str]:
    """The acting admin's own phone and email: the only places a code may go."""
    return {channel: value for channel, value in (("sms", current_user.phone),
                                                  ("email", current_user.email)) if value}


def binding() -> str:
    session_hash = hashlib.sha256(current_user.session_key.encode()).hexdigest()[:24]
    return f"a:{current_user.id}:{session_hash}"


def channel_form(targets: dict[str, str]) -> SendForm:
    """Choose SMS or email among the admin's own, masked, destinations."""
    form = SendForm()
    labels = {"sms": _("SMS to %(to)s", to=mask(targets.get("sms", ""))),
              "email": _("Email to %(to)s", to=mask(targets.get("email", "")))}
    form.channel.choices = [(c, labels[c]) for c in targets]
    if not form.channel.data and targets:
        form.channel.data = next(iter(targets))
    return form


def mask(value: str) -> str:
    if "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:2]}***@{domain}"
    return f"{value[:6]}****{value[-2:]}" if len(value) > 8 else value


def where_it_went(destination: str) -> dict[str, object]:
    """What the page says about a code sent to ``destination``: the masked address, and
    whether the ``log`` gateway holds it in the Outbox instead (the quick start's case)."""
    channel = "email" if "@" in destination else "sms"
    in_outbox = messaging.chain(channel)[:1] == [messaging.LOG_GATEWAY]
    if in_outbox:
        text = _("The code was sent to %(to)s through the log gateway, which sends nothing "
                 "out: read it in System → Outbox.", to=mask(destination))
    else:
        text = _("The code was sent to %(to)s.", to=mask(destination))
    return {"text": text, "outbox": in_outbox}


@bp.route("/<key>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def confirm(key: str):
    pending = protection.pending_for(key)
    if pending is None:
        abort(404)
    targets = destinations()
    send_form, confirm_form, continue_form = channel_form(targets), ConfirmForm(), ContinueForm()
    # A window opened after the action was parked (another confirmation, or binding a first
    # phone or email) covers it as it covers any action submitted now; asked by a POST, so
    # following a link never runs it.
    window_open = protection.window_open()
    if window_open and continue_form.proceed.data and continue_form.validate_on_submit():
        return protection.replay(pending)
    if confirm_form.confirm.data and confirm_form.validate_on_submit():
        destination = pending_destination(key)
        if destination and codes.check(SCENE, destination, binding(), confirm_form.code.data,
                                       action=pending.action):
            audit.record("protection.confirm", target=pending.action)
            protection.open_window()
            return protection.replay(pending)
        confirm_form.code.errors = [catalog.message("code_invalid")]
    sent_to = pending_destination(key)
    return render_template("admin_protection/confirm.html", pending=pending, targets=targets,
                           send_form=send_form, confirm_form=confirm_form,
                           continue_form=continue_form if window_open else None,
                           sent_to=where_it_went(sent_to) if sent_to in targets.values() else None)


@bp.route("/<key>/send", methods=["POST"])
@limiter.limit("5 per minute")
def send(key: str):
    pending = protection.pending_for(key)
    if pending is None:
        abort(404)
    targets = destinations()
    form = channel_form(targets)
    if not targets:
        flash(f"[protection_no_destination] {catalog.message('protection_no_destination')} — "
              f"{catalog.fix('protection_no_destination')}", "danger")
    elif form.validate_on_submit():
        destination = targets[form.channel.data]
        code_request = CodeRequest(scene=SCENE, destination=destination, binding=binding(),
                                   ip=client_ip(), action=pending.action,
                                   variables={"action": pending.action})
        # Seed 001 item 7: a failed send leaves the action refused, with the provider's reason.
        if send_admin_code(code_request, show_provider_answer=True):
            _remember_destination(key, destination)
    return redirect(url_for(".confirm", key=key))


def send_admin_code(code_request: CodeRequest, *, show_provider_answer: bool) -> bool:
    """Send an admin's code through the same entry point as the members', and flash how
    it went: refused by a limit, failed with its reason and fix, sent, or on its way (the
    queue has it and no gateway has answered yet).

    ``show_provider_answer`` adds the provider's raw answer to a failure.
    """
    try:
        sent = sending.send(code_request, current_language())
    except LimitReached as refusal:
        flash(f"[{refusal.code}] {catalog.message(refusal.code)} — {catalog.fix(refusal.code)}",
              "danger")
        return False
    if sent.delivered:
        flash(_("A code was sent. Enter it below."), "success")
        return True
    if sent.queued:  # the worker has it and no gateway has answered yet
        flash(_("A code is on its way. Enter it below when it arrives."), "success")
        return True
    failure = (f"[{sent.error}] {_('Sending the code failed')}: {catalog.message(sent.error)} — "
               f"{catalog.fix(sent.error)}")
    if show_provider_answer:
        failure = f"{failure} ({sent.raw_code} {sent.raw_message})".strip()
    flash(failure, "danger")
    return False


def _remember_destination(key: str, destination: str) -> None:
    session[f"protection:{key}"] = destination


def pending_destination(key: str) -> str:
    return session.get(f"protection:{key}", "")

