"""System → Logs → Login log: admin and member sign-ins, successful or not."""

from __future__ import annotations

from flask import render_template, request

from blueprints.admin_logs.views import bp
from core.paging import paginate
from extensions import db
from models import LoginEvent

RESULTS = {"ok": True, "failed": False}


@bp.route("/logins")
def logins():
    query = db.select(LoginEvent).order_by(LoginEvent.id.desc())
    filters = {key: request.args.get(key, "").strip()[:254]
               for key in ("who", "username", "ip", "result")}
    if filters["who"] in {"admin", "member"}:
        query = query.where(LoginEvent.who == filters["who"])
    if filters["username"]:
        query = query.where(LoginEvent.username == filters["username"])
    if filters["ip"]:
        query = query.where(LoginEvent.ip == filters["ip"])
    if filters["result"] in RESULTS:
        query = query.where(LoginEvent.success == RESULTS[filters["result"]])
    return render_template("admin_logs/logins.html", page=paginate(query), filters=filters)
