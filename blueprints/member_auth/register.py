"""Registration (seed 001's form): phone, SMS code, password twice, QQ, referral, terms."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from blueprints.member_auth.codes import check_rate
from blueprints.member_auth.forms import RegisterForm
from blueprints.member_auth.views import bp, prefill
from core import catalog
from core.i18n import normalise
from core.member_auth import current_member, login_member, session_binding
from extensions import limiter
from services.codes import issue as codes
from services.members import accounts as member_accounts
from services.members import passwords as member_passwords


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(check_rate, methods=["POST"])
def register():
    if current_member() is not None:
        return redirect(url_for("member_account.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        member = _register(form)
        if member is not None:
            login_member(member)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("member_account.index"))
    prefill(form.phone)
    return render_template("member_auth/register.html", form=form,
                           password_hint=member_passwords.hint())


def _register(form: RegisterForm):
    """The new member, or None with the reason put on the form."""
    phone = form.phone.data
    if not codes.check("register", phone, session_binding(), form.code.data):
        form.code.errors.append(catalog.message("code_invalid"))
        return None
    try:
        return member_accounts.register(phone, form.password.data, qq=form.qq.data,
                                        referral_code=form.referral.data,
                                        language=normalise(str(get_locale())) or "")
    except member_accounts.DestinationTaken:
        # Only whoever holds the code sent to this phone gets this far.
        form.phone.errors.append(catalog.message("phone_registered"))
        return None
