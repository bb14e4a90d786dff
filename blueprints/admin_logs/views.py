"""System → Logs. This module holds the admin operation log; other logs join it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from blueprints.guards import admin_blueprint
from core.paging import paginate
from extensions import db
from models import AuditEntry

bp = admin_blueprint("admin_logs", __name__, "/logs")


@bp.route("/")
def index():
    return redirect(url_for(".audit"))


@bp.route("/admin-operations")
def audit():
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    actor = request.args.get("actor", "").strip()[:64]
    action = request.args.get("action", "").strip()[:64]
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    page = paginate(query)
    return render_template("admin_logs/audit.html", page=page, actor=actor, action=action)
