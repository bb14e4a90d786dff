"""Changing the password from the account page: the current password, then a new one.

The new password follows the same rules as at registration (length bounds from Member
settings, no common password) and must differ from the current one. Once it is stored,
every other signed-in browser of the member is signed out (this one stays), and the member
gets the ``account_changed`` notice. Forgetting the current password is what the reset by
code is for.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.member_account.forms import ChangePasswordForm
from core import catalog
from core.audit import client_ip
from core.member_auth import current_member, revoke_all
from core.passwords import verify_password
from services.members import accounts as member_accounts
from services.members import notices as member_notices
from services.members import passwords as member_passwords


def change_password():
    member = current_member()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(member.password_hash, form.current_password.data):
            form.current_password.errors.append(catalog.message("current_password_wrong"))
        elif verify_password(member.password_hash, form.password.data):
            form.password.errors.append(catalog.message("password_unchanged"))
        else:
            member_accounts.set_password(member, form.password.data)
            signed_out = revoke_all(member, keep_current=True)
            member_notices.account_changed(member, "password", client_ip())
            flash(_("Your password was changed. Your other signed-in devices were signed "
                    "out.") if signed_out else _("Your password was changed."), "success")
            return redirect(url_for("member_account.index"))
    return render_template("member_account/password.html", form=form,
                           password_hint=member_passwords.hint())
