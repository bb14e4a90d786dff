"""System → Logs → Notification log: every attempt on every channel, with its catalog remark,
and the progress of the newest broadcasts (their messages are rows here as they go out)."""

from __future__ import annotations

from flask import render_template, request

from blueprints.admin_logs.views import bp
from blueprints.admin_messages import job_view
from core.paging import paginate
from services.logs import notifications as notification_log
from services.notify import events


@bp.route("/notifications")
def notifications():
    filters = notification_log.read_filters(request.args)
    page = paginate(notification_log.filtered(filters))
    fixes = sorted({row.error for row in page.items if row.error})
    return render_template("admin_logs/notifications.html", page=page, filters=filters,
                           fixes=fixes, events=events.EVENTS, statuses=notification_log.STATUSES,
                           business=[e for e in events.EVENTS.values() if not e.scene],
                           channels=events.ALL_CHANNELS, jobs=job_view.recent_broadcasts())


