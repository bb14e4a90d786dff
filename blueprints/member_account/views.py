"""/account: what is bound to the account, and the pages that change it.

A phone or email change takes two steps, as the big consoles do: a code to the *current*
phone or email (scenes ``change_phone``, ``change_email``; ``change_flow``), then a code to
the *new* one (``change_phone_new``, ``change_email_new``; ``new_destination``), which is
bound only when that code comes back. The password protection takes one code to the current
phone or email; the password takes the current password (``password``). Here is only what
differs between the changes: scene, form, title and how the change is stored.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.member_account import identity
from blueprints.member_account.change_flow import AccountChange, confirm_change
from blueprints.member_account.forms import (
    ChangeProtectionForm,
    IdentityForm,
    NewEmailForm,
    NewPhoneForm,
)
from blueprints.member_account.new_destination import NewDestination, bind_page, send_code
from blueprints.member_account.password import change_password
from blueprints.member_auth.codes import LIMITER_DOWN, check_rate, limiter_down, send_rate
from core.audit import client_ip
from core.member_auth import current_member, member_required
from extensions import limiter
from services.codes import limits as send_limits
from services.codes.destinations import normalise_destination, normalise_email
from services.members import accounts as member_accounts
from services.members import notices as member_notices

bp = Blueprint("member_account", __name__, url_prefix="/account")
for _error in LIMITER_DOWN:
    bp.register_error_handler(_error, limiter_down)


def _on_to_step_two(kind: str):
    """Step one's code was right: remember it, and go on to the new phone or email."""
    def confirmed(member, _form):
        identity.confirm(kind, member)
        return redirect(url_for(f"member_account.new_{kind}"))
    return confirmed


def _step_one_page(change: AccountChange, kind: str):
    """Step one, unless there is nothing to send its code to (nothing bound yet)."""
    member = current_member()
    if not member.phone and not member.email:
        return redirect(url_for(f"member_account.new_{kind}"))
    return confirm_change(change)


def _store_protection(member, form):
    member_accounts.change_protection(member, form.question.data, form.answer.data)
    member_notices.account_changed(member, "protection", client_ip())
    flash(_("Saved. We sent you a notice about this change."), "success")
    return redirect(url_for("member_account.index"))


PHONE = AccountChange(scene="change_phone", form_class=IdentityForm,
                      title=_l("Change bound phone"), confirmed=_on_to_step_two("phone"), step=1)
EMAIL = AccountChange(scene="change_email", form_class=IdentityForm,
                      title=_l("Change email"), confirmed=_on_to_step_two("email"), step=1)
PROTECTION = AccountChange(scene="change_protection", form_class=ChangeProtectionForm,
                           title=_l("Password protection"), confirmed=_store_protection)

NEW_PHONE = NewDestination(
    kind="phone", scene="change_phone_new", form_class=NewPhoneForm, field="new_phone",
    title=_l("Change bound phone"), normalise=normalise_destination,
    current=lambda member: member.phone, store=member_accounts.change_phone)
NEW_EMAIL = NewDestination(
    kind="email", scene="change_email_new", form_class=NewEmailForm, field="new_email",
    title=_l("Change email"), normalise=normalise_email,
    current=lambda member: member.email, store=member_accounts.change_email)


@bp.route("/")
@member_required
def index():
    return render_template("member_account/index.html", member=current_member())


# Each POST checks a code or a password: limited like every code check (registration,
# sign-in by code, reset); each send is limited like /codes/send.
@bp.route("/phone", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def phone():
    return _step_one_page(PHONE, "phone")


@bp.route("/phone/new", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def new_phone():
    return bind_page(NEW_PHONE)


@bp.route("/phone/new/code", methods=["POST"])
@member_required
@limiter.limit(send_rate, on_breach=lambda _limit: send_limits.flag_ip(client_ip()))
def send_new_phone_code():
    return send_code(NEW_PHONE)


@bp.route("/email", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def email():
    return _step_one_page(EMAIL, "email")


@bp.route("/email/new", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def new_email():
    return bind_page(NEW_EMAIL)


@bp.route("/email/new/code", methods=["POST"])
@member_required
@limiter.limit(send_rate, on_breach=lambda _limit: send_limits.flag_ip(client_ip()))
def send_new_email_code():
    return send_code(NEW_EMAIL)


@bp.route("/protection", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def protection():
    return confirm_change(PROTECTION)


@bp.route("/password", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def password():
    return change_password()
