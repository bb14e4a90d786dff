"""System → Logs: the landing page of the four logs, and the admin operation log; the other
logs join it from their own modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from blueprints.guards import admin_blueprint
from core import actions, clock, remarks, settings
from core.paging import paginate
from extensions import db
from models import AuditEntry, DeliveryAttempt, LoginEvent, VerificationCode
from models.code import CODE_FAILED, CODE_REFUSED
from services.logs import admin_logs
from services.logs.notifications import day_start

bp = admin_blueprint("admin_logs", __name__, "/logs")


@bp.record_once
def _template_globals(state) -> None:
    # Every delivery log (also a member's history, the tracer) shows Herald's own remarks
    # translated (_macros/remark.html); operations read by name, not key (the operation log,
    # the protection page).
    state.app.jinja_env.globals.update(
        herald_remark=remarks.herald_remark, action_label=actions.action_label,
        target_text=actions.target_text, change_name=actions.change_name,
        change_value=actions.change_value)


@dataclass(frozen=True)
class LogSummary:
    """One log on the Logs page: where it is, what it holds, and today's rows."""

    endpoint: str
    icon: str
    title: Any
    description: Any
    today: int
    failed_today: int  # failed or refused rows (codes, messages, sign-ins); 0 for the others


def _today_start() -> datetime:
    """Midnight of today in the site's time zone (the day a reader means by "today")."""
    local_day = clock.now().astimezone(ZoneInfo(settings.get("basic.timezone"))).date()
    return day_start(local_day.isoformat())


def _count(model, start: datetime, *where) -> int:
    return db.session.scalar(db.select(func.count()).select_from(model).where(
        model.created_at >= start, *where)) or 0


def summaries(start: datetime) -> list[LogSummary]:
    return [
        LogSummary("admin_logs.codes", "shield-lock", _l("Verification-code log"),
                   _l("Every verification code asked for: to whom, sent or why not."),
                   _count(VerificationCode, start), _count(
                       VerificationCode, start,
                       VerificationCode.status.in_((CODE_FAILED, CODE_REFUSED)))),
        LogSummary("admin_logs.notifications", "send", _l("Notification log"),
                   _l("Every message on every channel, with the gateway's answer."),
                   _count(DeliveryAttempt, start),
                   _count(DeliveryAttempt, start, DeliveryAttempt.status == "failed")),
        LogSummary("admin_logs.audit", "person-gear", _l("Admin operation log"),
                   _l("Who changed what in the admin panel."), _count(AuditEntry, start), 0),
        LogSummary("admin_logs.logins", "box-arrow-in-right", _l("Login log"),
                   _l("Admin and member sign-ins, successful or not."),
                   _count(LoginEvent, start),
                   _count(LoginEvent, start, LoginEvent.success.is_(False))),
    ]


@bp.route("/")
def index():
    """System → Logs (the seed's 日志管理): the four logs with today's numbers."""
    start = _today_start()
    return render_template("admin_logs/index.html", logs=summaries(start), since=start)


@bp.route("/admin-operations")
def audit():
    actor, action = admin_logs.arg(request.args, "actor"), admin_logs.arg(request.args, "action")
    page = paginate(admin_logs.audit_query(request.args).order_by(AuditEntry.id.desc()))
    return render_template("admin_logs/audit.html", page=page, actor=actor, action=action)
