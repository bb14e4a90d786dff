"""/account: what is bound to the account, and the pages that change it.

Each change needs a code sent to the member's *current* phone or email (scenes
``change_phone``, ``change_email``, ``change_protection``); the code is checked (and used
up) before anything else, then the member gets an ``account_changed`` notice.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.member_account.forms import (
    ChangeEmailForm,
    ChangePhoneForm,
    ChangeProtectionForm,
    ConfirmForm,
)
from blueprints.member_auth.codes import LIMITER_DOWN, check_rate, limiter_down
from core import catalog
from core.audit import client_ip
from core.member_auth import account_binding, current_member, member_required
from extensions import limiter
from models.member import Member
from services import codes, member_accounts, member_notices

bp = Blueprint("member_account", __name__, url_prefix="/account")
for _error in LIMITER_DOWN:
    bp.register_error_handler(_error, limiter_down)


@bp.route("/")
@member_required
def index():
    return render_template("member_account/index.html", member=current_member())


@bp.route("/phone", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def phone():
    return _change("change_phone", "phone", ChangePhoneForm, _l("Change bound phone"),
                   lambda m, f: member_accounts.change_phone(m, f.new_phone.data),
                   lambda f: f.new_phone)


@bp.route("/email", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def email():
    return _change("change_email", "email", ChangeEmailForm, _l("Change email"),
                   lambda m, f: member_accounts.change_email(m, f.new_email.data),
                   lambda f: f.new_email)


@bp.route("/protection", methods=["GET", "POST"])
@member_required
@limiter.limit(check_rate, methods=["POST"])
def protection():
    return _change("change_protection", "protection", ChangeProtectionForm,
                   _l("Password protection"),
                   lambda m, f: member_accounts.change_protection(m, f.question.data,
                                                                  f.answer.data),
                   lambda f: f.question)


def _change(scene: str, change: str, form_class: type[ConfirmForm], title,
            apply: Callable[[Member, ConfirmForm], None], target: Callable):
    member = current_member()
    form = form_class().offer(member)
    if form.validate_on_submit():
        if not codes.check(scene, _current_destination(member, form.via.data),
                           account_binding(member), form.code.data):
            form.code.errors.append(catalog.message("code_invalid"))
        else:
            try:
                apply(member, form)
            except member_accounts.DestinationTaken:
                target(form).errors.append(catalog.message("destination_taken"))
            else:
                member_notices.account_changed(member, change, client_ip())
                flash(_("Saved. We sent you a notice about this change."), "success")
                return redirect(url_for(".index"))
    return render_template("member_account/change.html", form=form, scene=scene, title=title)


def _current_destination(member: Member, via: str) -> str:
    return (member.email if via == "email" else member.phone) or ""
