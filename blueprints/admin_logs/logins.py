"""System → Logs → Login log: admin and member sign-ins, successful or not."""

from __future__ import annotations

from flask import render_template, request

from blueprints.admin_logs.views import bp
from core.paging import paginate
from models import LoginEvent
from services.logs import admin_logs


@bp.route("/logins")
def logins():
    filters = {key: admin_logs.arg(request.args, key)
               for key in ("who", "username", "ip", "result")}
    query = admin_logs.login_query(request.args).order_by(LoginEvent.id.desc())
    return render_template("admin_logs/logins.html", page=paginate(query), filters=filters)
