"""POST /codes/send (JSON for the send-code button, a redirect for a form without
JavaScript) and GET /codes/challenge (the captcha widget's challenge).

Known and unknown phones and emails get the same status and body: for an unknown account
nothing is sent, but the request is counted and logged like any other. The gateway is
called after the answer has left, so the answer takes the same time either way.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, flash, jsonify, redirect, request
from flask_babel import gettext as _
from limits.errors import StorageError
from redis.exceptions import RedisError

from blueprints.errors import error_response
from blueprints.member_auth.views import bp
from core import catalog, settings
from core.audit import client_ip
from core.i18n import current_language, normalise
from core.member_auth import account_binding, current_member, session_binding
from core.routing import safe_next, wants_json
from extensions import limiter
from services.codes import captcha, sending
from services.codes import issue as codes
from services.codes import limits as send_limits
from services.codes.destinations import InvalidDestination, normalise_destination
from services.codes.issue import CodeRequest
from services.members.accounts import recipient_of

ANONYMOUS_SCENES = ("register", "login", "reset_password")
ACCOUNT_SCENES = ("change_phone", "change_email", "change_protection")
EMAIL_SCENES = ("reset_password",)  # anonymous scenes that may send to an email address


def send_rate() -> str:
    return current_app.config["HERALD_CODE_SEND_RATE"]


def check_rate() -> str:
    return current_app.config["HERALD_CODE_CHECK_RATE"]


def _breached(_limit) -> None:
    """An IP over the per-IP request limit gets the automatic captcha from now on."""
    send_limits.flag_ip(client_ip())


@bp.route("/codes/send", methods=["POST"])
@limiter.limit(send_rate, methods=["POST"], on_breach=_breached)
def send_code():
    scene = request.form.get("scene", "")
    if scene not in ANONYMOUS_SCENES + ACCOUNT_SCENES:
        return _answer("bad_request", 400)
    if scene in ACCOUNT_SCENES and current_member() is None:
        return _answer("login_required", 401)
    try:
        code_request = _code_request(scene)
    except InvalidDestination as exc:
        codes.log_invalid_destination(scene, _raw_destination(), client_ip(), exc.channel,
                                      exc.code)
        return _answer(exc.code, 400)
    # The captcha is asked of this IP, or of anyone sending to a phone or email whose codes
    # are being guessed (services.codes.failures).
    if captcha.required(code_request.ip, code_request.destination) and \
            not captcha.verify(request.form.get(captcha.FIELD)):
        return _answer("captcha_required", 400, captcha=True)
    try:
        sent = sending.send(code_request, _locale_for(code_request), after_response=True)
    except send_limits.LimitReached as refusal:
        return _answer(refusal.code, 429, retry_after=refusal.retry_after,
                       captcha=captcha.required(code_request.ip, code_request.destination))
    response = _sent(sent.issued)
    response.call_on_close(sent.deliver_later)
    return response


def _code_request(scene: str) -> CodeRequest:
    if scene in ACCOUNT_SCENES:
        member = current_member()
        via = request.form.get("via", "phone")
        destination = member.email if via == "email" else member.phone
        if not destination:
            raise InvalidDestination("no_destination", "email" if via == "email" else "sms")
        return CodeRequest(scene, destination, account_binding(member), client_ip(),
                           member_id=member.id, account_id=member.id)
    destination = normalise_destination(_raw_destination(), allow_email=scene in EMAIL_SCENES)
    member = recipient_of(destination)
    known = member is not None and member.active
    # A register code goes to any valid phone: only whoever reads it learns, at submit,
    # that the phone already has an account. Sign-in and reset codes go to accounts only.
    deliver = scene == "register" or known
    return CodeRequest(scene, destination, session_binding(), client_ip(),
                       member_id=member.id if known else None, deliver=deliver)


def _raw_destination() -> str:
    # The button sends "destination"; a page without JavaScript posts its whole form.
    form = request.form
    return form.get("destination") or form.get("phone") or form.get("account") or ""


def _locale_for(code_request: CodeRequest) -> str:
    member = recipient_of(code_request.destination) if code_request.member_id else None
    return (normalise(member.language) if member else None) or current_language()


def _sent(issued: codes.Issued):
    interval = settings.get("member.code_interval_seconds")
    text = _("The code was sent. It is valid for %(minutes)s minutes.", minutes=issued.minutes)
    if wants_json():
        return jsonify(ok=True, code="sent", message=text, retry_after=interval)
    flash(text, "success")
    return _back(sent=interval)


def _answer(code: str, status: int, retry_after: int = 0, captcha: bool = False):
    text = catalog.message(code)
    if wants_json():
        return jsonify(ok=False, code=code, message=text, retry_after=retry_after,
                       captcha=captcha), status
    flash(text, "error")
    return _back()


def _back(**extra):
    """Back to the page of the form, with what the member typed (not secrets) kept."""
    target = safe_next(request.form.get("next"), "member_account.index")
    keep = {"destination": _raw_destination()[:254]} if _raw_destination() else {}
    separator = "&" if "?" in target else "?"
    return redirect(target + separator + urlencode({**keep, **extra}) if keep or extra else target)


@bp.route("/codes/challenge")
@limiter.limit(send_rate)
def captcha_challenge():
    response = jsonify(captcha.challenge())
    response.headers["Cache-Control"] = "no-store"
    return response


def limiter_down(exc: Exception):
    """The rate-limit store (Redis) is unreachable: refuse, clearly, rather than send
    codes without limits or answer with a 500 (registered on the member blueprints)."""
    current_app.logger.error("rate-limit storage unreachable, member request refused: %s", exc)
    if request.path.startswith("/codes/"):
        return _answer("service_unavailable", 503)
    return error_response(503, "service_unavailable")


# limits raises StorageError when told to wrap errors, the bare redis error otherwise.
LIMITER_DOWN = (StorageError, RedisError)
for _error in LIMITER_DOWN:
    bp.register_error_handler(_error, limiter_down)
