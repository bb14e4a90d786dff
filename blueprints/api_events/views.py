"""The view of ``POST /api/events``: limits, access rules, signature, body, then
``services.notify.dispatch``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import gettext as _

from blueprints import api_access
from blueprints.api_events.request import parse
from core import catalog, signing
from extensions import csrf, limiter
from models import KIND_EVENTS
from services.notify.dispatch import NotifyError, notify

bp = Blueprint("api_events", __name__, url_prefix="/api")
csrf.exempt(bp)  # machine clients sign their requests instead

MAX_BODY_BYTES = 16 * 1024
PER_IP_LIMIT = "300 per minute"  # before the signature: slows key guessing and floods
PER_CLIENT_LIMIT = "600 per minute"
STATUS = {"bad_request": 400, "unknown_event": 404, "member_not_found": 404,
          "missing_variables": 422, "unknown_variables": 422, "member_disabled": 409,
          "template_invalid": 409}


def _client_key() -> str:
    return "events:" + (request.headers.get("X-Herald-Client") or "").strip()[:64]


def _client_limit() -> str:
    return PER_CLIENT_LIMIT  # read per request, so a deployment (or a test) may change it


def _authenticated(_response: Response) -> bool:
    # Only signed requests count against a client's limit, so a stranger who knows the
    # client id cannot use up its budget.
    return g.get("events_client_id") is not None


@bp.route("/events", methods=["POST"])
@limiter.limit(PER_IP_LIMIT)
@limiter.limit(_client_limit, key_func=_client_key, deduct_when=_authenticated)
def fire():
    request.max_content_length = MAX_BODY_BYTES  # a larger body is refused with 413
    try:
        api_access.check(KIND_EVENTS)
    except signing.ApiAuthError as exc:
        return reply(exc.status, exc.code, detail=exc.detail)
    body = request.get_data(cache=True)
    if any(not all(" " <= ch <= "~" for ch in request.headers.get(name, ""))
           for name in signing.HEADERS):  # hmac.compare_digest refuses non-ASCII text
        return reply(401, "auth_failed", detail="signing headers must be printable ASCII")
    try:
        client = signing.verify(request.method, request.script_root + request.path,
                                request.headers, request.args, body, kind=KIND_EVENTS)
    except signing.ApiAuthError as exc:
        return reply(exc.status, exc.code, detail=exc.detail)
    g.events_client_id = client.id
    try:
        wanted = parse(body)
        outcomes = notify(wanted.event, wanted.member, **wanted.variables)
    except NotifyError as exc:
        return reply(STATUS.get(exc.code, 400), exc.code, detail=exc.detail)
    return reply(200, "ok", event=wanted.event, member_id=wanted.member.id,
                 channels=[{"channel": o.channel, "status": o.status, "error": o.error}
                           for o in outcomes])


def reply(status: int, code: str, **data: Any) -> tuple[Response, int]:
    """The JSON answer: code, message and (for failures) fix in the caller's language."""
    if code == "ok":
        body = {"code": code, "message": _("The event was dispatched.")}
    else:
        body = {"code": code, "message": catalog.message(code), "fix": catalog.fix(code)}
    response = jsonify({**body, **{k: v for k, v in data.items() if v not in ("", None)}})
    response.headers["Cache-Control"] = "no-store"
    return response, status
