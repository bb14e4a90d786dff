"""Site → Members: list and search, one member's contact data, history and inbox."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.guards import admin_blueprint
from core.paging import paginate
from extensions import db
from models import InsiteMessage, Member
from models.member import MEMBER_ACTIVE, MEMBER_DISABLED
from services.logs import notifications as notification_log
from services.members import admin as members_admin
from services.members import wechat_binding
from services.notify import events

bp = admin_blueprint("admin_members", __name__, "/members")
INBOX_PREVIEW = 10


@bp.route("/")
def index():
    term = request.args.get("q", "").strip()[:254]
    status = request.args.get("status", "")
    page = paginate(members_admin.search(term, status))
    return render_template("admin_members/index.html", page=page, q=term, status=status)


@bp.route("/<int:member_id>")
def show(member_id: int):
    member = _member(member_id)
    history = paginate(notification_log.for_destinations(members_admin.destinations(member)))
    messages = db.session.scalars(
        db.select(InsiteMessage).where(InsiteMessage.member_id == member.id)
        .order_by(InsiteMessage.id.desc()).limit(INBOX_PREVIEW)).all()
    unread = db.session.scalar(db.select(db.func.count(InsiteMessage.id)).where(
        InsiteMessage.member_id == member.id, InsiteMessage.read_at.is_(None),
        InsiteMessage.deleted.is_(False), InsiteMessage.in_inbox.is_(True)))
    return render_template("admin_members/show.html", member=member, page=history,
                           messages=messages, unread=unread, events=events.EVENTS,
                           wechat=wechat_binding.binding_of(member),
                           fixes=sorted({row.error for row in history.items if row.error}))


@bp.route("/<int:member_id>/status", methods=["POST"])
def status(member_id: int):
    member = _member(member_id)
    wanted = MEMBER_DISABLED if member.status == MEMBER_ACTIVE else MEMBER_ACTIVE
    if members_admin.set_status(member, wanted):
        flash(_("Member disabled: they are signed out and receive no notifications.")
              if wanted == MEMBER_DISABLED else _("Member enabled."), "success")
    return redirect(url_for(".show", member_id=member.id))


def _member(member_id: int) -> Member:
    member = db.session.get(Member, member_id)
    if member is None:
        abort(404)
    return member
