"""The views of ``POST /api/sms/send`` and ``GET /api/sms/messages/<id>``: limits, then
``api_access.signed`` (access rules, signature), then ``services.reseller``."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from blueprints import api_access
from extensions import csrf, db, limiter
from models import KIND_RESELLER, ApiClient, ResellerAccount
from models.reseller import DEFAULT_RATE_PER_MINUTE
from services.reseller import messages as reseller_messages
from services.reseller import send as reseller_send

bp = Blueprint("api_sms", __name__, url_prefix="/api/sms")
csrf.exempt(bp)  # machine clients sign their requests instead


def _client_key() -> str:
    return "reseller:" + api_access.client_header()


def _client_rate() -> str:
    """The member's own limit (Site → Reseller clients), the default for unknown IDs."""
    rate = db.session.scalar(
        db.select(ResellerAccount.rate_per_minute).join(ApiClient)
        .where(ApiClient.client_id == api_access.client_header(),
               ApiClient.kind == KIND_RESELLER))
    return f"{rate or DEFAULT_RATE_PER_MINUTE} per minute"


@bp.route("/send", methods=["POST"])
@limiter.limit(api_access.PER_IP_LIMIT)
@limiter.limit(_client_rate, key_func=_client_key, deduct_when=api_access.authenticated)
@api_access.signed(KIND_RESELLER)
def send(client: ApiClient, body: bytes) -> api_access.Reply:
    answer = reseller_send.handle(client, body)
    return api_access.reply(answer.status, answer.code, answer.data, replayed=answer.replayed,
                            message=_("The message was queued for sending."))


# Polling has its own budget (each route counts apart): checking on messages never uses up
# the sends of a minute.
@bp.route("/messages/<message_id>", methods=["GET"])
@limiter.limit(api_access.PER_IP_LIMIT)
@limiter.limit(_client_rate, key_func=_client_key, deduct_when=api_access.authenticated)
@api_access.signed(KIND_RESELLER)
def message_status(client: ApiClient, _body: bytes, message_id: str) -> api_access.Reply:
    row = reseller_messages.find(client.id, message_id)
    if row is None:
        return api_access.reply(404, "not_found",
                                detail=f"this member ID sent no message {message_id[:40]!r}")
    return api_access.reply(200, "ok", reseller_messages.as_dict(row),
                            message=_("Message status."))
