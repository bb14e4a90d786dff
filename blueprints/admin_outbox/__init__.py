"""System → Outbox: what the ``log`` gateway "sent", marked as not sent to a phone.

Codes in it are masked as in the code log (``masking``); the code log's reveal shows one.
"""

from flask import render_template, request
from flask_login import current_user

from blueprints.admin_outbox.masking import shown_messages
from blueprints.guards import admin_blueprint
from core.paging import paginate
from extensions import db
from models import OutboxMessage
from services.notify import events

bp = admin_blueprint("admin_outbox", __name__, "/outbox")


@bp.route("/")
def index():
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    destination = request.args.get("destination", "").strip()[:254]
    if destination:
        query = query.where(OutboxMessage.destination == destination)
    page = paginate(query)
    return render_template("admin_outbox/index.html", page=page, destination=destination,
                           shown=shown_messages(page.items, current_user.id),
                           events=events.EVENTS)
