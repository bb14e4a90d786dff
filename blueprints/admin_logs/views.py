"""System → Logs. This module holds the admin operation log; other logs join it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from blueprints.guards import admin_blueprint
from core.paging import paginate
from models import AuditEntry
from services.logs import admin_logs

bp = admin_blueprint("admin_logs", __name__, "/logs")


@bp.route("/")
def index():
    return redirect(url_for(".audit"))


@bp.route("/admin-operations")
def audit():
    actor, action = admin_logs.arg(request.args, "actor"), admin_logs.arg(request.args, "action")
    page = paginate(admin_logs.audit_query(request.args).order_by(AuditEntry.id.desc()))
    return render_template("admin_logs/audit.html", page=page, actor=actor, action=action)
