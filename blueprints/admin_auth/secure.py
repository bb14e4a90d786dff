"""Secure your account: an admin with no phone and no email proves one with a code.

Operation protection sends its codes only to the acting admin's own phone or email, so an
admin without either (the first admin that ``flask --app app admin ensure`` makes has
none) could finish no sensitive action, not even adding a phone under My profile, which
is one. This step binds a first destination: the code goes to the *new* phone or email
(scene ``operation_protection``, through the normal send path and queue), and entering it
proves the admin holds it. It is offered right after sign-in and from every confirmation
page that has nowhere to send; it is closed to admins who already have a destination,
whose changes go through My profile under operation protection.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from blueprints.admin_auth.views import bp
from blueprints.admin_protection import (
    ConfirmForm,
    binding,
    send_admin_code,
    where_it_went,
)
from core import audit, catalog, protection
from core.admins import needs_securing
from core.audit import client_ip
from core.phones import InvalidPhone, parse_phone
from core.routing import safe_next
from extensions import db, limiter
from services.codes import issue as codes
from services.codes.destinations import InvalidDestination, normalise_email
from services.codes.issue import CodeRequest

SCENE = "operation_protection"
ACTION = "admins.secure"  # the code confirms this action only
PENDING = "secure_account_destination"  # session: where the last code went


class DestinationForm(FlaskForm):
    destination = StringField(
        _l("Phone or email"), validators=[DataRequired(), Length(max=254)],
        description=_l("Operation-protection and sign-in codes will be sent here."),
        render_kw={"autocomplete": "off"})
    send = SubmitField(_l("Send code"))

    def validate_destination(self, field):
        """E.164 for a phone, lower case for an email, or the catalog's reason."""
        raw = (field.data or "").strip()
        try:
            if "@" in raw:
                field.data = normalise_email(raw)
            else:
                field.data = parse_phone(raw, check_allowed=False)
        except (InvalidDestination, InvalidPhone) as refusal:
            raise ValidationError(f"[{refusal.code}] {catalog.message(refusal.code)}") from None


def _next_url() -> str:
    return safe_next(request.args.get("next"), "admin_home.index")


def _here():
    return redirect(url_for("admin_auth.secure", next=request.args.get("next")))


@bp.route("/secure", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per minute", methods=["POST"])
def secure():
    if not needs_securing(current_user):
        session.pop(PENDING, None)
        return redirect(_next_url())
    pending = session.get(PENDING, "")
    confirm_form = ConfirmForm()
    if pending and confirm_form.validate_on_submit():
        if codes.check(SCENE, pending, binding(), confirm_form.code.data, action=ACTION):
            _bind(pending)
            return redirect(_next_url())
        confirm_form.code.errors = [f"[code_invalid] {catalog.message('code_invalid')}"]
    return _page(DestinationForm(formdata=None), confirm_form)


@bp.route("/secure/send", methods=["POST"])
@login_required
@limiter.limit("5 per minute")
def secure_send():
    if not needs_securing(current_user):
        return redirect(_next_url())
    form = DestinationForm()
    if not form.validate_on_submit():
        return _page(form, ConfirmForm(formdata=None))
    destination = form.destination.data
    code_request = CodeRequest(scene=SCENE, destination=destination, binding=binding(),
                               ip=client_ip(), action=ACTION, variables={"action": ACTION})
    if send_admin_code(code_request, show_provider_answer=True):
        session[PENDING] = destination
    return _here()


def _page(form: DestinationForm, confirm_form: ConfirmForm):
    """The step's page: the destination form, and the code form once a code was sent."""
    pending = session.get(PENDING, "")
    return render_template("admin_auth/secure.html", form=form, confirm_form=confirm_form,
                           pending=pending, next_url=_next_url(),
                           sent_to=where_it_went(pending) if pending else None)


def _bind(destination: str) -> None:
    """Make the proven destination the admin's phone or email (audited)."""
    admin = current_user._get_current_object()
    column = "email" if "@" in destination else "phone"
    setattr(admin, column, destination)
    audit.record("admin.secure", target=admin.username, changes={column: ["", destination]})
    db.session.commit()
    # The code just entered was an operation-protection code from this session: the window
    # opens as for any confirmation, so the action that sent the admin here can run without
    # a second code to the same phone (which the send interval would refuse for a minute).
    protection.open_window()
    session.pop(PENDING, None)
    flash(_("Your account is secured: operation-protection codes now go to %(to)s.",
            to=destination), "success")
