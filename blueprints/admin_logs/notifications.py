"""System → Logs → Notification log: every attempt on every channel, with its catalog remark."""

from __future__ import annotations

import csv
import io

from flask import Response, render_template, request

from blueprints.admin_logs.views import bp
from core import catalog
from core.paging import paginate
from extensions import db
from services import events, notification_log

CSV_LIMIT = 50_000


@bp.route("/notifications")
def notifications():
    filters = notification_log.read_filters(request.args)
    if request.args.get("format") == "csv":
        return _csv(filters)
    page = paginate(notification_log.filtered(filters))
    fixes = sorted({row.error for row in page.items if row.error})
    return render_template("admin_logs/notifications.html", page=page, filters=filters,
                           fixes=fixes, events=events.EVENTS, statuses=notification_log.STATUSES,
                           business=[e for e in events.EVENTS.values() if not e.scene],
                           channels=events.ALL_CHANNELS)


def _csv(filters: dict[str, str]) -> Response:
    """The filtered log as CSV (at most CSV_LIMIT rows, newest first)."""
    rows = db.session.scalars(notification_log.filtered(filters).limit(CSV_LIMIT))
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow(["id", "time_utc", "event", "channel", "gateway", "receiver", "result",
                     "code", "remark", "raw_code", "raw_message", "test"])
    for row in rows:
        writer.writerow([row.id, row.created_at.isoformat(timespec="seconds"), row.purpose,
                         row.channel, row.gateway, _safe(row.destination), row.status,
                         row.error, catalog.message(row.error) if row.error else "",
                         _safe(row.raw_code), _safe(row.raw_message), int(row.test)])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=notification-log.csv"})


def _safe(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection).

    A phone number in E.164 ("+86...") is left alone: digits after the sign are no formula.
    """
    risky = value[:1] in ("=", "@", "\t", "\r") or (
        value[:1] in ("+", "-") and not value[1:].isdigit())
    return "'" + value if risky else value
