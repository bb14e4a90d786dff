"""The member's inbox: list, read one, mark all read, delete; unread count in the header."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from core.member_auth import current_member, member_required
from core.paging import paginate
from models import InsiteMessage
from services.members import inbox

bp = Blueprint("member_inbox", __name__, url_prefix="/messages")


@bp.app_context_processor
def _unread_badge():
    """``inbox_unread()`` for the member layout's header (0 when nobody is signed in)."""

    def inbox_unread() -> int:
        member = current_member()
        return inbox.unread_count(member) if member is not None else 0

    return {"inbox_unread": inbox_unread}


@bp.route("/")
@member_required
def index():
    member = current_member()
    return render_template("member_inbox/index.html", page=paginate(inbox.visible(member)))


@bp.route("/<int:message_id>")
@member_required
def show(message_id: int):
    message = _message(message_id)
    inbox.mark_read(message)
    return render_template("member_inbox/show.html", message=message)


@bp.route("/read-all", methods=["POST"])
@member_required
def read_all():
    count = inbox.mark_all_read(current_member())
    flash(_("%(n)d messages marked as read.", n=count) if count else _("Nothing to mark."),
          "success" if count else "info")
    return redirect(url_for(".index"))


@bp.route("/<int:message_id>/delete", methods=["POST"])
@member_required
def delete(message_id: int):
    inbox.delete(_message(message_id))
    flash(_("Message deleted."), "success")
    return redirect(url_for(".index"))


def _message(message_id: int) -> InsiteMessage:
    message = inbox.get(current_member(), message_id)
    if message is None:
        abort(404)
    return message
