"""/account: what is bound to the account, and the forms that change it."""

from __future__ import annotations

from flask import Blueprint, render_template

from core.member_auth import current_member, member_required

bp = Blueprint("member_account", __name__, url_prefix="/account")


@bp.route("/")
@member_required
def index():
    return render_template("member_account/index.html", member=current_member())
