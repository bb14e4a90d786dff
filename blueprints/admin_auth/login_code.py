"""The second sign-in step: an ``admin_login`` code to the admin's phone or email."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for

from blueprints.admin_auth.sign_in import CHALLENGE, CHALLENGE_SECONDS, finish_login
from blueprints.admin_auth.views import bp
from blueprints.admin_protection import ConfirmForm, channel_form, send_admin_code
from core import catalog, clock
from core.audit import client_ip
from extensions import db, limiter
from models import Admin
from models.login_event import WHO_ADMIN
from services.codes import issue as codes
from services.codes.issue import CodeRequest
from services.sign_in import guard as login_guard

SCENE = "admin_login"


def _challenge() -> tuple[dict, Admin]:
    challenge = session.get(CHALLENGE)
    if not challenge or clock.now().timestamp() - challenge["at"] > CHALLENGE_SECONDS:
        session.pop(CHALLENGE, None)
        abort(redirect(url_for("admin_auth.login")))
    admin = db.session.get(Admin, challenge["admin"])
    if admin is None or not admin.active:
        abort(redirect(url_for("admin_auth.login")))
    return challenge, admin


def _binding(challenge: dict) -> str:
    """A sign-in code works only for the sign-in attempt that asked for it."""
    return f"l:{challenge['token']}"


def _targets(admin: Admin) -> dict[str, str]:
    return {channel: value for channel, value in (("sms", admin.phone), ("email", admin.email))
            if value}


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def code():
    challenge, admin = _challenge()
    targets = _targets(admin)
    form = ConfirmForm()
    if form.validate_on_submit():
        destination = challenge.get("destination", "")
        if destination and codes.check(SCENE, destination, _binding(challenge),
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
        code_request = CodeRequest(scene=SCENE, destination=destination,
                                   binding=_binding(challenge), ip=client_ip(),
                                   variables={"admin_name": admin.username})
        if send_admin_code(code_request, show_provider_answer=False):
            challenge["destination"] = destination
            session[CHALLENGE] = challenge
    return redirect(url_for("admin_auth.code"))
