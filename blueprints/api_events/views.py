"""``POST /api/events`` and ``GET /api/events/jobs/<id>``: limits, then
``api_access.signed`` (access rules, signature), then the body and ``services.notify.jobs``.

Every accepted event answers ``202`` with its job id at once; the worker sends it.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from blueprints import api_access
from blueprints.api_events.request import parse
from extensions import csrf, limiter
from models import KIND_EVENTS, ApiClient
from services.notify import jobs, progress
from services.notify.dispatch import NotifyError

bp = Blueprint("api_events", __name__, url_prefix="/api")
csrf.exempt(bp)  # machine clients sign their requests instead

PER_CLIENT_LIMIT = "600 per minute"
STATUS = {"bad_request": 400, "unknown_event": 404, "member_not_found": 404,
          "missing_variables": 422, "unknown_variables": 422, "member_disabled": 409,
          "template_invalid": 409}


def _client_key() -> str:
    return "events:" + api_access.client_header()


def _client_limit() -> str:
    return PER_CLIENT_LIMIT  # read per request, so a deployment (or a test) may change it


@bp.route("/events", methods=["POST"])
@limiter.limit(api_access.PER_IP_LIMIT)
@limiter.limit(_client_limit, key_func=_client_key, deduct_when=api_access.authenticated)
@api_access.signed(KIND_EVENTS)
def fire(client: ApiClient, body: bytes) -> api_access.Reply:
    try:
        wanted = parse(body)
        if wanted.member is None:
            job = jobs.notify_all(wanted.event, wanted.audience, member_ids=wanted.member_ids,
                                  variables=wanted.variables, send_at=wanted.send_at,
                                  origin="api", api_client_id=client.id)
            return api_access.reply(202, "ok", progress.as_dict(job),
                                    message=_("The event was queued for %(count)d members.",
                                              count=job.total))
        dispatched = jobs.notify(wanted.event, wanted.member, send_at=wanted.send_at,
                                 origin="api", api_client_id=client.id, **wanted.variables)
    except NotifyError as exc:
        return api_access.reply(STATUS.get(exc.code, 400), exc.code, detail=exc.detail)
    return api_access.reply(202, "ok", {
        "job_id": dispatched.job_id or None, "event": wanted.event, "member_id": wanted.member.id,
        "channels": [{"channel": o.channel, "status": o.status, "error": o.error}
                     for o in dispatched]}, message=_("The event was dispatched."))


@bp.route("/events/jobs/<job_id>", methods=["GET"])
@limiter.limit(api_access.PER_IP_LIMIT)
@limiter.limit(_client_limit, key_func=_client_key, deduct_when=api_access.authenticated)
@api_access.signed(KIND_EVENTS)
def job_progress(client: ApiClient, _body: bytes, job_id: str) -> api_access.Reply:
    job = progress.find(job_id, api_client_id=client.id)
    if job is None:
        return api_access.reply(404, "job_not_found", detail=f"no job {job_id[:40]!r}")
    return api_access.reply(200, "ok", progress.as_dict(job), message=_("Job progress."))
