"""The view of ``POST /api/sms/send``: limits, then ``api_access.signed`` (access rules,
signature), then ``services.reseller.send``."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from blueprints import api_access
from extensions import csrf, db, limiter
from models import KIND_RESELLER, ApiClient, ResellerAccount
from models.reseller import DEFAULT_RATE_PER_MINUTE
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
                            message=_("The message was sent."))
