"""Sending a verification code: the one entry point of every page that sends one.

``send(CodeRequest, locale)`` makes the code with ``issue.issue`` (blocks, switches and send
limits first; ``LimitReached`` when they refuse) and delivers it: at once for the admin
pages, which must say whether it went out, or after the answer has left
(``after_response``) for the member pages, whose answer must take the same time whether
or not the account exists. Delivery renders the scene's template, sends through
``services.delivery.messaging`` and records the outcome on the code row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy.exc import SQLAlchemyError

from core import settings
from extensions import db
from gateways.base import Message
from models.code import CODE_FAILED, CODE_SENT, VerificationCode
from services.codes.issue import CodeRequest, Issued, issue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """An issued code and how its delivery went (or the callable that will deliver it)."""

    issued: Issued
    delivered: bool = False  # a gateway accepted it; False while delivery waits
    error: str = ""  # the catalog code of a failed delivery
    raw_code: str = ""  # the provider's own answer to a failed delivery
    raw_message: str = ""
    deliver_later: Callable[[], None] | None = None  # for ``response.call_on_close``


def send(request: CodeRequest, locale: str, *, after_response: bool = False) -> Sent:
    """Issue a code for ``request`` and deliver it in ``locale``; raise LimitReached if the
    limits refuse. With ``after_response`` nothing is sent yet: the caller hands
    ``Sent.deliver_later`` to its response."""
    issued = issue(request)
    if after_response:
        return Sent(issued, deliver_later=send_after_response(issued, locale))
    if deliver(issued, locale):
        return Sent(issued, delivered=True)
    row = db.session.get(VerificationCode, issued.id)
    return Sent(issued, error=row.error, raw_code=row.raw_code, raw_message=row.raw_message)


def deliver(issued: Issued, locale: str) -> bool:
    """Render the scene's template and send it; record the outcome on the code row.

    Returns whether a gateway accepted it (False also when nothing was to be sent).
    """
    request = issued.request
    if not request.deliver:
        return False
    from services.delivery import messaging  # rendering reads stored templates
    from services.templates import rendering

    variables = {"site_name": settings.get("basic.site_name"), "code": issued.code,
                 "minutes": issued.minutes, **request.variables}
    try:
        rendered = rendering.render(request.scene, request.channel, locale, variables)
    except Exception as exc:  # a broken stored template must not lose the request silently
        log.exception("code template for %s failed to render", request.scene)
        error = "template_missing" if isinstance(exc, rendering.TemplateMissing) else "unknown"
        _record_result(issued.id, CODE_FAILED, error=error, raw=str(exc))
        return False
    message = Message(to=request.destination, content=rendered.text, subject=rendered.subject,
                      html=rendered.html, template_code=rendered.template_code,
                      params=rendered.params, purpose=request.scene)
    # messaging.send, with its records and the code's result in one transaction.
    delivery = messaging.deliver(request.channel, message)
    attempt_ids = messaging.record_many([(request.channel, message, delivery.attempts)],
                                        commit=False)
    result = delivery.result
    _record_result(issued.id, CODE_SENT if result.ok else CODE_FAILED, gateway=result.gateway,
                   error=result.error, raw_code=result.raw_code, raw=result.raw_message,
                   attempt_id=attempt_ids[-1] if attempt_ids else None)
    return result.ok


# Built once: this runs after every send, and building the statement costs more than it.
_RECORD_RESULT = VerificationCode.__table__.update().where(
    VerificationCode.__table__.c.id == bindparam("code_id"))


def _record_result(code_id: int, status: str, gateway: str = "", error: str = "",
                   raw_code: str = "", raw: str = "", attempt_id: int | None = None) -> None:
    """Store how the send went on the code row (and commit the caller's records with it)."""
    db.session.execute(_RECORD_RESULT, {
        "code_id": code_id, "status": status, "gateway": (gateway or "")[:32],
        "error": (error or "")[:40], "raw_code": (raw_code or "")[:64],
        "raw_message": (raw or "")[:500], "attempt_id": attempt_id})
    db.session.commit()


def send_after_response(issued: Issued, locale: str) -> Callable[[], None]:
    """A callable that delivers ``issued`` in its own app context.

    Views hand it to ``response.call_on_close``: the member's answer leaves before the
    gateway is called, so it takes the same time whether or not the account exists.
    """
    app = current_app._get_current_object()
    stored = settings.snapshot()  # the settings this request answered with

    def _run() -> None:
        with app.app_context():
            settings.adopt(stored)
            try:
                deliver(issued, locale)
            except SQLAlchemyError:
                db.session.rollback()
                log.exception("recording the delivery of code %s failed", issued.id)
            finally:
                db.session.remove()

    return _run
