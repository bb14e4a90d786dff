"""The view of ``POST /api/sms/send``: limits, access rules, signature, then
``services.reseller.send``."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import gettext as _

from blueprints import api_access
from core import catalog, signing
from extensions import csrf, db, limiter
from models import KIND_RESELLER, ApiClient, ResellerAccount
from models.reseller import DEFAULT_RATE_PER_MINUTE
from services.reseller import send as reseller_send
from services.reseller.requests import Answer

bp = Blueprint("api_sms", __name__, url_prefix="/api/sms")
csrf.exempt(bp)  # machine clients sign their requests instead

MAX_BODY_BYTES = 16 * 1024
# Before the signature is checked, per address: slows down key guessing and floods.
PER_IP_LIMIT = "300 per minute"


def _client_header() -> str:
    return (request.headers.get("X-Herald-Client") or "").strip()[:64]


def _client_key() -> str:
    return "reseller:" + _client_header()


def _client_rate() -> str:
    """The member's own limit (Site → Reseller clients), the default for unknown IDs."""
    rate = db.session.scalar(
        db.select(ResellerAccount.rate_per_minute).join(ApiClient)
        .where(ApiClient.client_id == _client_header(), ApiClient.kind == KIND_RESELLER))
    return f"{rate or DEFAULT_RATE_PER_MINUTE} per minute"


def _authenticated(_response: Response) -> bool:
    # Only signed requests count against a member's limit: a stranger who knows the
    # member ID must not be able to use up its budget with unsigned requests.
    return g.get("reseller_client_id") is not None


@bp.route("/send", methods=["POST"])
@limiter.limit(PER_IP_LIMIT)
@limiter.limit(_client_rate, key_func=_client_key, deduct_when=_authenticated)
def send():
    request.max_content_length = MAX_BODY_BYTES  # a larger body is refused with 413
    try:
        api_access.check(KIND_RESELLER)
    except signing.ApiAuthError as exc:
        return reply(_refusal(exc))
    body = request.get_data(cache=True)
    refused = _header_problem()
    if refused is not None:
        return reply(refused)
    try:
        client = signing.verify(request.method, request.script_root + request.path,
                                request.headers, request.args, body, kind=KIND_RESELLER)
    except signing.ApiAuthError as exc:
        return reply(_refusal(exc))
    g.reseller_client_id = client.id
    return reply(reseller_send.handle(client, body))


def _refusal(exc: signing.ApiAuthError) -> Answer:
    data: dict[str, object] = {"detail": exc.detail} if exc.detail else {}
    if exc.retryable:  # the upstream gateway of a downstream Herald fails over on it
        data["retryable"] = True
    return Answer(exc.status, exc.code, data)


def _header_problem() -> Answer | None:
    """Signing headers must be printable ASCII; anything else can only be a bad signature.

    Checked here because ``hmac.compare_digest`` raises TypeError on non-ASCII text.
    """
    for name in signing.HEADERS:
        value = request.headers.get(name, "")
        if not all(" " <= ch <= "~" for ch in value):
            return Answer(401, "auth_failed", {"detail": f"{name} must be printable ASCII"})
    return None


def reply(answer: Answer) -> tuple[Response, int]:
    """The JSON answer: code, message and (for failures) fix in the caller's language."""
    if answer.code == "ok":
        body = {"code": "ok", "message": _("The message was sent.")}
    else:
        body = {"code": answer.code, "message": catalog.message(answer.code),
                "fix": catalog.fix(answer.code)}
    response = jsonify({**body, **answer.data})
    response.headers["Cache-Control"] = "no-store"
    if answer.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, answer.status
