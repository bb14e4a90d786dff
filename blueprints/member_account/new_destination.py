"""Step two of changing the phone or email: a code to the *new* one, bound only when that
code comes back.

Neither the page nor its send-code button works before step one (``identity``): a
signed-in browser alone cannot send codes to any number it likes. The new destination is
checked as everywhere else (the phone library and the allowed countries, email-validator);
the code goes out in the scene ``change_phone_new`` or ``change_email_new``, to that
destination only, so no other code can bind it. Whether another account holds it is told
only after its code came back, to whoever holds it (as registration does): a stranger
learns nothing about who is a member. After the change, the member's notice goes out as
after every change, and the replaced phone or email is told too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm

from blueprints.member_account import identity
from core import catalog, settings
from core.audit import client_ip
from core.i18n import current_language, normalise
from core.member_auth import account_binding, current_member
from core.routing import wants_json
from models.member import Member
from services.codes import captcha, sending
from services.codes import issue as codes
from services.codes import limits as send_limits
from services.codes.destinations import InvalidDestination
from services.codes.issue import CodeRequest
from services.members import accounts as member_accounts
from services.members import notices as member_notices


@dataclass(frozen=True)
class NewDestination:
    """What differs between binding a new phone and a new email."""

    kind: str  # "phone" or "email": the identity proof's name, the notice's change
    scene: str  # the scene of the code sent to the new destination
    form_class: type[FlaskForm]
    field: str  # the form field holding the new destination
    title: LazyString
    normalise: Callable[[str], str]  # E.164 or lower-case email; raises InvalidDestination
    current: Callable[[Member], str | None]
    store: Callable[[Member, str], None]  # raises DestinationTaken

    @property
    def identity_endpoint(self) -> str:
        return f"member_account.{self.kind}"

    @property
    def send_endpoint(self) -> str:
        return f"member_account.send_new_{self.kind}_code"


def bind_page(change: NewDestination):
    """The step-two page (GET), or the new destination bound once its code is right."""
    member = current_member()
    if not identity.confirmed(change.kind, member):
        flash(catalog.message("identity_unconfirmed"), "error")
        return redirect(url_for(change.identity_endpoint))
    form = change.form_class()
    if form.validate_on_submit():
        done = _bind(change, member, form)
        if done is not None:
            return done
    elif request.method == "GET":
        form[change.field].data = request.args.get("destination", "")[:254]
    return render_template("member_account/new_destination.html", form=form, change=change,
                           title=change.title)


def _bind(change: NewDestination, member: Member, form: FlaskForm):
    field, new = form[change.field], form[change.field].data
    old = change.current(member)
    if new == old:
        field.errors.append(catalog.message("destination_unchanged"))
        return None
    if not codes.check(change.scene, new, account_binding(member), form.code.data):
        form.code.errors.append(catalog.message("code_invalid"))
        return None
    try:
        change.store(member, new)
    except member_accounts.DestinationTaken:
        field.errors.append(catalog.message("destination_taken"))
        return None
    identity.forget()
    member_notices.account_changed(member, change.kind, client_ip())
    if old:
        member_notices.tell_old_destination(member, change.kind, old, client_ip())
    flash(_("Saved. We sent you a notice about this change."), "success")
    return redirect(url_for("member_account.index"))


def send_code(change: NewDestination):
    """POST from step two's button: a code to the new phone or email (JSON, or a redirect
    back to the page for a browser without JavaScript)."""
    member = current_member()
    if not identity.confirmed(change.kind, member):
        if wants_json():
            return _answer(change, "identity_unconfirmed", 403)
        flash(catalog.message("identity_unconfirmed"), "error")
        return redirect(url_for(change.identity_endpoint))
    raw = request.form.get("destination") or request.form.get(change.field) or ""
    try:
        destination = change.normalise(raw)
    except InvalidDestination as exc:
        codes.log_invalid_destination(change.scene, raw, client_ip(), exc.channel, exc.code)
        return _answer(change, exc.code, 400)
    if destination == change.current(member):
        return _answer(change, "destination_unchanged", 400)
    code_request = CodeRequest(change.scene, destination, account_binding(member), client_ip(),
                               member_id=member.id, account_id=member.id)
    if captcha.required(code_request.ip, destination) and \
            not captcha.verify(request.form.get(captcha.FIELD)):
        return _answer(change, "captcha_required", 400, ask_captcha=True)
    locale = normalise(member.language) or current_language()
    try:
        sent = sending.send(code_request, locale, after_response=True)
    except send_limits.LimitReached as refusal:
        return _answer(change, refusal.code, 429, retry_after=refusal.retry_after,
                       ask_captcha=captcha.required(code_request.ip, destination))
    response = _sent(change, sent.issued.minutes)
    response.call_on_close(sent.deliver_later)
    return response


def _sent(change: NewDestination, minutes: int):
    interval = settings.get("member.code_interval_seconds")
    text = _("The code was sent. It is valid for %(minutes)s minutes.", minutes=minutes)
    if wants_json():
        return jsonify(ok=True, code="sent", message=text, retry_after=interval)
    flash(text, "success")
    return _back(change)


def _answer(change: NewDestination, code: str, status: int, retry_after: int = 0,
            ask_captcha: bool = False):
    text = catalog.message(code)
    if wants_json():
        return jsonify(ok=False, code=code, message=text, retry_after=retry_after,
                       captcha=ask_captcha), status
    flash(text, "error")
    return _back(change)


def _back(change: NewDestination):
    """Back to step two, with the typed phone or email kept."""
    raw = (request.form.get("destination") or request.form.get(change.field) or "")[:254]
    return redirect(url_for(f"member_account.new_{change.kind}",
                            **({"destination": raw} if raw else {})))
