"""The second sign-in step: an ``admin_login`` code to the admin's phone or email."""

from __future__ import annotations

import secrets
import time

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from blueprints.admin_auth.views import bp
from blueprints.admin_protection import ConfirmForm, channel_form
from core import catalog, settings
from core.audit import client_ip
from core.i18n import normalise
from extensions import db, limiter
from models import Admin
from models.code import VerificationCode
from models.login_event import WHO_ADMIN
from services.codes import issue as codes
from services.codes.limits import LimitReached
from services.sign_in import guard as login_guard

SCENE = "admin_login"
CHALLENGE = "admin_login_challenge"
CHALLENGE_SECONDS = 600


def required(admin: Admin) -> bool:
    return admin.login_code or settings.get("basic.admin_login_code_required")


def begin(admin: Admin, next_url: str):
    """Password accepted: remember who is half-way in, in a fresh session."""
    session.clear()
    session[CHALLENGE] = {"admin": admin.id, "token": secrets.token_urlsafe(16),
                          "next": next_url, "at": int(time.time())}
    return redirect(url_for("admin_auth.code"))


def _challenge() -> tuple[dict, Admin]:
    challenge = session.get(CHALLENGE)
    if not challenge or time.time() - challenge["at"] > CHALLENGE_SECONDS:
        session.pop(CHALLENGE, None)
        abort(redirect(url_for("admin_auth.login")))
    admin = db.session.get(Admin, challenge["admin"])
    if admin is None or not admin.active:
        abort(redirect(url_for("admin_auth.login")))
    return challenge, admin


def _targets(admin: Admin) -> dict[str, str]:
    return {channel: value for channel, value in (("sms", admin.phone), ("email", admin.email))
            if value}


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def code():
    from blueprints.admin_auth.views import finish_login

    challenge, admin = _challenge()
    targets = _targets(admin)
    form = ConfirmForm()
    if form.validate_on_submit():
        destination = challenge.get("destination", "")
        if destination and codes.check(SCENE, destination, f"l:{challenge['token']}",
                                       form.code.data):
            return finish_login(admin, challenge["next"], method="code")
        login_guard.record(WHO_ADMIN, admin.username, False, method="code",
                           reason="code_invalid")
        form.code.errors = [catalog.message("code_invalid")]
    return render_template("admin_auth/code.html", form=form, send_form=channel_form(targets),
                           targets=targets, admin=admin)


@bp.route("/login/code/send", methods=["POST"])
@limiter.limit("5 per minute")
def send_code():
    challenge, admin = _challenge()
    targets = _targets(admin)
    form = channel_form(targets)
    if not targets:
        flash(f"[protection_no_destination] {catalog.message('protection_no_destination')}",
              "danger")
    elif form.validate_on_submit():
        destination = targets[form.channel.data]
        if _issue(admin, challenge["token"], destination):
            challenge["destination"] = destination
            session[CHALLENGE] = challenge
    return redirect(url_for("admin_auth.code"))


def _issue(admin: Admin, token: str, destination: str) -> bool:
    request_ = codes.CodeRequest(scene=SCENE, destination=destination, binding=f"l:{token}",
                                 ip=client_ip(), variables={"admin_name": admin.username})
    try:
        issued = codes.issue(request_)
    except LimitReached as refusal:
        flash(f"[{refusal.code}] {catalog.message(refusal.code)} — {catalog.fix(refusal.code)}",
              "danger")
        return False
    if codes.deliver(issued, normalise(str(get_locale())) or "zh_CN"):
        flash(_("A code was sent. Enter it below."), "success")
        return True
    row = db.session.get(VerificationCode, issued.id)
    flash(f"[{row.error}] {_('Sending the code failed')}: {catalog.message(row.error)} — "
          f"{catalog.fix(row.error)}", "danger")
    return False
