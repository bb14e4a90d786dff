"""Site → In-site messages → Jobs: every event job (broadcasts first), and one job's progress."""

from __future__ import annotations

from flask import abort, render_template, request

from blueprints.admin_messages import job_view
from blueprints.admin_messages.views import bp
from core.paging import paginate
from extensions import db
from models.queue import Job
from services.notify import audience as audiences
from services.notify import events, progress

# Which jobs the list shows: broadcasts by default (one-member jobs, one per API call,
# would bury them), one-member jobs, or all.
SCOPES = {"broadcasts": audiences.BROADCASTS, "single": (audiences.MEMBER, audiences.ADMIN),
          "all": None}
ORIGINS = ("admin", "api", "cli", "python")


@bp.route("/jobs")
def jobs():
    scope = request.args.get("scope", "")
    scope = scope if scope in SCOPES else "broadcasts"
    origin = request.args.get("origin", "")
    query = db.select(Job).order_by(Job.created_at.desc(), Job.id)
    if SCOPES[scope] is not None:
        query = query.where(Job.audience.in_(SCOPES[scope]))
    if origin in ORIGINS:
        query = query.where(Job.origin == origin)
    page = paginate(query)
    return render_template("admin_messages/jobs.html", page=page,
                           rows=job_view.views(list(page.items)), scope=scope, origin=origin,
                           origins=ORIGINS, events=events.EVENTS)


@bp.route("/jobs/<job_id>")
def job(job_id: str):
    found = progress.find(job_id)
    if found is None:
        abort(404)
    return render_template("admin_messages/job.html", row=job_view.view(found),
                           events=events.EVENTS)
