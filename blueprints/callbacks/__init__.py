"""Provider callbacks: ``POST /api/callbacks/twilio`` (message status reports).

No CSRF token (the provider cannot have one): the provider's own signature is the check.
Twilio signs the exact URL it calls, so the URL is rebuilt from the Basic site URL (what
the admin configured at Twilio), never from the Host header, which a proxy may change.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from core import catalog, settings
from extensions import csrf, db, limiter
from gateways.twilio import validate_twilio_signature
from gateways.twilio_status import report_from_callback
from services.delivery import status as delivery_status
from services.diagnostics.credentials import expected_twilio_callback

bp = Blueprint("callbacks", __name__, url_prefix="/api/callbacks")
csrf.exempt(bp)


def _refuse(code: str, status: int):
    return jsonify(code=code, message=catalog.message(code), fix=catalog.fix(code)), status


@bp.route("/twilio", methods=["POST"])
@limiter.limit("600/minute")
def twilio():
    token = str(settings.get("sms.twilio.auth_token") or "")
    if not token:
        return _refuse("not_configured", 403)
    form = request.form.to_dict(flat=False)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not validate_twilio_signature(token, expected_twilio_callback(), form, signature):
        return _refuse("callback_signature_invalid", 403)
    report = report_from_callback(request.form)
    if report is not None:
        delivery_status.apply_by_id("twilio", report)
        db.session.commit()
    # 204 for an unknown message too: Twilio would only retry, and nothing can match it.
    return "", 204
