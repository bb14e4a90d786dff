"""System → Outbox: what the ``log`` gateway "sent", marked as not sent to a phone."""

from flask import render_template, request

from blueprints.guards import admin_blueprint
from core import crypto
from core.paging import paginate
from extensions import db
from models import OutboxMessage

bp = admin_blueprint("admin_outbox", __name__, "/outbox")


@bp.route("/")
def index():
    query = db.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    destination = request.args.get("destination", "").strip()[:254]
    if destination:
        query = query.where(OutboxMessage.destination == destination)
    page = paginate(query)
    contents = {row.id: _readable(row.content) for row in page.items}
    return render_template("admin_outbox/index.html", page=page, contents=contents,
                           destination=destination)


def _readable(token: str) -> str | None:
    """The content, or None when no configured key decrypts it (the page says "unreadable")."""
    try:
        return crypto.decrypt(token)
    except crypto.SecretUnreadable:
        return None
