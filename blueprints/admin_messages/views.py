"""Site → In-site messages: every message, SMS copies included (seed 000: the proof of sending)."""

from __future__ import annotations

from flask import render_template, request

from blueprints.guards import admin_blueprint
from core.paging import paginate
from extensions import db
from models import InsiteMessage
from models.message import ORIGIN_INSITE, ORIGIN_SMS
from services.logs import notifications as notification_log
from services.members import lookup as member_lookup
from services.notify import events

bp = admin_blueprint("admin_messages", __name__, "/messages")
ORIGINS = (ORIGIN_INSITE, ORIGIN_SMS)


@bp.route("/")
def index():
    filters = {key: request.args.get(key, "").strip()[:254]
               for key in ("member", "origin", "event", "date_from", "date_to")}
    query = db.select(InsiteMessage).order_by(InsiteMessage.id.desc())
    member = member_lookup.find(filters["member"]) if filters["member"] else None
    if filters["member"]:
        # An unknown member matches nothing rather than silently showing everyone.
        query = query.where(InsiteMessage.member_id == (member.id if member else -1))
    if filters["origin"] in ORIGINS:
        query = query.where(InsiteMessage.origin_channel == filters["origin"])
    if filters["event"]:
        query = query.where(InsiteMessage.origin_event == filters["event"])
    start = notification_log.day_start(filters["date_from"])
    end = notification_log.day_start(filters["date_to"], 1)
    if start:
        query = query.where(InsiteMessage.created_at >= start)
    if end:
        query = query.where(InsiteMessage.created_at < end)
    return render_template("admin_messages/index.html", page=paginate(query), filters=filters,
                           member=member, events=events.EVENTS,
                           business=[e for e in events.EVENTS.values() if not e.scene])
