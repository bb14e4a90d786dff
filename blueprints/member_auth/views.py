"""The member home page, password sign-in and sign-out."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from blueprints.member_auth.forms import PasswordLoginForm
from core import catalog
from core.audit import client_ip
from core.member_auth import current_member, login_member, logout_member
from core.routing import safe_next
from extensions import limiter
from services.codes import captcha
from services.sign_in import member_throttle

bp = Blueprint("member_auth", __name__)


@bp.record_once
def _template_globals(state) -> None:
    # Every member page (and the in-site inbox) renders the header from current_member().
    state.app.jinja_env.globals.update(current_member=current_member,
                                       captcha_needed=_captcha_needed)


def _captcha_needed() -> bool:
    from services.codes import captcha

    return captcha.required(client_ip())


@bp.route("/")
def index():
    return render_template("member_auth/index.html", member=current_member())


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_member() is not None:
        return redirect(url_for("member_account.index"))
    form = PasswordLoginForm()
    ask_captcha = False
    if form.validate_on_submit():
        # Per-account throttle (captcha, then a growing wait) on top of the per-IP limit.
        outcome = member_throttle.sign_in(form.account.data, form.password.data,
                                          request.form.get(captcha.FIELD))
        if outcome.member is not None:
            login_member(outcome.member)
            return redirect(safe_next(request.args.get("next"), "member_account.index"))
        form.form_errors.append(catalog.message(outcome.code))
        if outcome.code == member_throttle.DELAYED:
            form.form_errors.append(ngettext(
                "Try again in %(num)d second, or sign in with an SMS code.",
                "Try again in %(num)d seconds, or sign in with an SMS code.",
                outcome.retry_after))
        ask_captcha = outcome.captcha
    return render_template("member_auth/login.html", form=form, ask_captcha=ask_captcha)


@bp.route("/terms")
def terms():
    return render_template("member_auth/terms.html")


@bp.route("/logout", methods=["POST"])
def logout():
    logout_member()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".login"))


def prefill(field) -> None:
    """Put back the phone or email a form without JavaScript sent to /codes/send."""
    if request.method == "GET" and not field.data:
        field.data = request.args.get("destination", "")[:254]
