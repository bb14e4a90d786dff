"""The code check every account change starts with: a code sent to the member's *current*
phone or email, in the change's own scene, so a code asked for one change cannot confirm
another.

The code is checked (and used up) before anything else; only then does the change's
``confirmed`` step run: store the password protection, or, for a phone or email change,
record step one as passed and go on to the new destination (``new_destination``). A wrong
code leaves the account as it was and sends no notice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template
from flask_babel.speaklater import LazyString
from werkzeug.wrappers import Response

from blueprints.member_account.forms import ConfirmForm
from core import catalog
from core.member_auth import account_binding, current_member
from models.member import Member
from services.codes import issue as codes


@dataclass(frozen=True)
class AccountChange:
    """What differs between the code-confirmed pages; the rest is :func:`confirm_change`."""

    scene: str  # the code's scene, as the page's send-code button asks for it
    form_class: type[ConfirmForm]
    title: LazyString  # the page's title
    confirmed: Callable[[Member, ConfirmForm], Response]  # runs once the code is right
    step: int = 0  # step one of a two-step change (shown on the page), or 0


def confirm_change(change: AccountChange):
    """The page of ``change`` (GET), or its submission checked and carried on (POST)."""
    member = current_member()
    form = change.form_class().offer(member)
    if form.validate_on_submit():
        if codes.check(change.scene, current_destination(member, form.via.data),
                       account_binding(member), form.code.data):
            return change.confirmed(member, form)
        form.code.errors.append(catalog.message("code_invalid"))
    return render_template("member_account/change.html", form=form, scene=change.scene,
                           title=change.title, step=change.step)


def current_destination(member: Member, via: str) -> str:
    return (member.email if via == "email" else member.phone) or ""
