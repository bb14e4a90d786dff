"""The one flow behind every account change: phone, email and password protection.

A change is confirmed by a code sent to the member's *current* phone or email, in the
change's own scene, so a code asked for one change cannot confirm another. The code is
checked (and used up) before anything else; only then is the change applied, and the
member gets an ``account_changed`` notice. A wrong code leaves the account as it was and
sends no notice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from blueprints.member_account.forms import ConfirmForm
from core import catalog
from core.audit import client_ip
from core.member_auth import account_binding, current_member
from models.member import Member
from services.codes import issue as codes
from services.members import accounts as member_accounts
from services.members import notices as member_notices


@dataclass(frozen=True)
class AccountChange:
    """What differs between the account changes; everything else is :func:`confirm_change`."""

    scene: str  # the code's scene, as the page's send-code button asks for it
    notice: str  # the change the notice names (a key of member_notices.CHANGES)
    form_class: type[ConfirmForm]
    title: LazyString  # the page's title
    apply: Callable[[Member, ConfirmForm], None]  # stores the change from the valid form
    taken_field: str = ""  # phone and email: where "already bound to another account" shows


def confirm_change(change: AccountChange):
    """The page of ``change`` (GET), or its submission checked and applied (POST)."""
    member = current_member()
    form = change.form_class().offer(member)
    if form.validate_on_submit():
        if not codes.check(change.scene, _current_destination(member, form.via.data),
                           account_binding(member), form.code.data):
            form.code.errors.append(catalog.message("code_invalid"))
        else:
            try:
                change.apply(member, form)
            except member_accounts.DestinationTaken:  # only a new phone or email is unique
                form[change.taken_field].errors.append(catalog.message("destination_taken"))
            else:
                member_notices.account_changed(member, change.notice, client_ip())
                flash(_("Saved. We sent you a notice about this change."), "success")
                return redirect(url_for("member_account.index"))
    return render_template("member_account/change.html", form=form, scene=change.scene,
                           title=change.title)


def _current_destination(member: Member, via: str) -> str:
    return (member.email if via == "email" else member.phone) or ""
