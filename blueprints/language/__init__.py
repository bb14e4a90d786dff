"""Language choice: stored on the signed-in admin, or in the visitor's session."""

from flask import Blueprint, redirect, request, session

from core.i18n import LANGUAGE_SESSION_KEY, normalise
from core.routing import safe_next
from extensions import db

bp = Blueprint("language", __name__)


@bp.route("/language", methods=["POST"])
def switch():
    from flask_login import current_user

    choice = normalise(request.form.get("language"))
    if choice:
        session[LANGUAGE_SESSION_KEY] = choice
        if current_user.is_authenticated and hasattr(current_user, "language"):
            current_user.language = choice
            db.session.commit()
        _remember_for_member(choice)
    return redirect(safe_next(request.form.get("next"), "admin_home.index"))


def _remember_for_member(choice: str) -> None:
    from core.member_auth import current_member

    member = current_member()
    if member is not None:
        member.language = choice
        db.session.commit()
