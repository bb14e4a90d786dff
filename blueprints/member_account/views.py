"""/account: what is bound to the account, and the pages that change it.

Each change needs a code sent to the member's *current* phone or email (scenes
``change_phone``, ``change_email``, ``change_protection``); the flow they share, from the
code check to the ``account_changed`` notice, is ``change_flow.confirm_change``. Here is
only what differs: the scene, the form, the title and how the change is stored.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from blueprints.member_account.change_flow import AccountChange, confirm_change
from blueprints.member_account.forms import (
    ChangeEmailForm,
    ChangePhoneForm,
    ChangeProtectionForm,
)
from blueprints.member_auth.codes import LIMITER_DOWN, check_rate, limiter_down
from core.member_auth import current_member, member_required
from extensions import limiter
from services.members import accounts as member_accounts

bp = Blueprint("member_account", __name__, url_prefix="/account")
for _error in LIMITER_DOWN:
    bp.register_error_handler(_error, limiter_down)

PHONE = AccountChange(
    scene="change_phone", notice="phone", form_class=ChangePhoneForm,
    title=_l("Change bound phone"), taken_field="new_phone",
    apply=lambda member, form: member_accounts.change_phone(member, form.new_phone.data))

EMAIL = AccountChange(
    scene="change_email", notice="email", form_class=ChangeEmailForm,
    title=_l("Change email"), taken_field="new_email",
    apply=lambda member, form: member_accounts.change_email(member, form.new_email.data))

PROTECTION = AccountChange(
    scene="change_protection", notice="protection", form_class=ChangeProtectionForm,
    title=_l("Password protection"),
    apply=lambda member, form: member_accounts.change_protection(member, form.question.data,
                                                                 form.answer.data))


@bp.route("/")
@member_required
def index():
    return render_template("member_account/index.html", member=current_member())


# Each POST checks a code: limited like every code check (registration, sign-in by code, reset).
@bp.route("/phone", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def phone():
    return confirm_change(PHONE)


@bp.route("/email", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def email():
    return confirm_change(EMAIL)


@bp.route("/protection", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def protection():
    return confirm_change(PROTECTION)
