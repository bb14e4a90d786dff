"""Sign-in by SMS code and password reset by SMS or email code.

Both answer an unknown phone or email exactly as a wrong code: no code was sent to it, so
the check fails with ``code_invalid``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.member_auth.codes import check_rate
from blueprints.member_auth.forms import CodeLoginForm, ForgotForm
from blueprints.member_auth.views import bp, prefill
from core import catalog
from core.audit import client_ip
from core.member_auth import current_member, login_member, revoke_all, session_binding
from core.routing import safe_next
from extensions import limiter
from services.codes import issue as codes
from services.codes.destinations import InvalidDestination, normalise_destination
from services.members import accounts as member_accounts
from services.members import notices as member_notices
from services.members import passwords as member_passwords


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(check_rate, methods=["POST"])
def login_code():
    if current_member() is not None:
        return redirect(url_for("member_account.index"))
    form = CodeLoginForm()
    if form.validate_on_submit():
        member = _member_by_code("login", form.phone.data, form.code.data)
        if member is not None:
            login_member(member)
            return redirect(safe_next(request.args.get("next"), "member_account.index"))
        form.code.errors.append(catalog.message("code_invalid"))
    prefill(form.phone)
    return render_template("member_auth/login_code.html", form=form)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(check_rate, methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        member = _reset_member(form)
        if member is not None:
            member_accounts.set_password(member, form.password.data)
            revoke_all(member, keep_current=False)
            member_notices.account_changed(member, "password", client_ip())
            flash(_("Your password was changed. Sign in with the new one."), "success")
            return redirect(url_for(".login"))
    prefill(form.account)
    return render_template("member_auth/forgot.html", form=form,
                           password_hint=member_passwords.hint())


def _reset_member(form: ForgotForm):
    try:
        destination = normalise_destination(form.account.data, allow_email=True)
    except InvalidDestination as exc:
        form.account.errors.append(catalog.message(exc.code))
        return None
    member = _member_by_code("reset_password", destination, form.code.data)
    if member is None:
        form.code.errors.append(catalog.message("code_invalid"))
    return member


def _member_by_code(scene: str, destination: str, code: str):
    """The active member at ``destination`` if ``code`` is this browser's valid code."""
    if not codes.check(scene, destination, session_binding(), code):
        return None
    member = member_accounts.find_member(destination)
    return member if member is not None and member.active else None
