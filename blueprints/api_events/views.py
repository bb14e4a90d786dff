"""The view of ``POST /api/events``: limits, then ``api_access.signed`` (access rules,
signature), then the body and ``services.notify.dispatch``."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from blueprints import api_access
from blueprints.api_events.request import parse
from extensions import csrf, limiter
from models import KIND_EVENTS, ApiClient
from services.notify.dispatch import NotifyError, notify

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
def fire(_client: ApiClient, body: bytes) -> api_access.Reply:
    try:
        wanted = parse(body)
        outcomes = notify(wanted.event, wanted.member, **wanted.variables)
    except NotifyError as exc:
        return api_access.reply(STATUS.get(exc.code, 400), exc.code, detail=exc.detail)
    return api_access.reply(200, "ok", {
        "event": wanted.event, "member_id": wanted.member.id,
        "channels": [{"channel": o.channel, "status": o.status, "error": o.error}
                     for o in outcomes]}, message=_("The event was dispatched."))
