"""Sending a verification code: the one entry point of every page that sends one.

``send(CodeRequest, locale)`` makes the code with ``issue.issue`` (blocks, switches and send
limits first; ``LimitReached`` when they refuse), renders the scene's template, and stores
the code and its queued message in one transaction; the delivery worker sends it
(``services.delivery.tasks``) and this module's hook writes the outcome on the code row.

The answer never waits for a gateway. The member pages go one step further
(``after_response``): even the hand-over to the queue happens after the answer has left,
so the answer takes the same time whether or not the account exists.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam

from core import settings
from extensions import db
from gateways.base import Message
from models.code import CODE_FAILED, CODE_SENT, VerificationCode
from models.queue import KIND_CODE, OUT_SENT
from services.codes.issue import CodeRequest, Issued, issue
from services.delivery import outgoing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """An issued code and how its delivery stands when the answer is written."""

    issued: Issued
    delivered: bool = False  # a gateway accepted it already (the worker was quick)
    error: str = ""  # the catalog code of a failed delivery
    raw_code: str = ""  # the provider's own answer to a failed delivery
    raw_message: str = ""
    deliver_later: Callable[[], None] | None = None  # for ``response.call_on_close``

    @property
    def queued(self) -> bool:
        """On its way: neither sent nor failed yet."""
        return not self.delivered and not self.error


def send(request: CodeRequest, locale: str, *, after_response: bool = False) -> Sent:
    """Issue a code for ``request`` and queue its delivery in ``locale``; raise
    LimitReached if the limits refuse. With ``after_response`` the queue is handed the
    message by ``Sent.deliver_later``, which the caller gives to its response."""
    queued: list[int] = []
    issued = issue(request, then=lambda issued, expires_at: queued.extend(
        _queue(issued, locale, expires_at)))
    if after_response:
        return Sent(issued, deliver_later=_hand_over_later(queued))
    outgoing.hand_over(queued)
    row = db.session.get(VerificationCode, issued.id)
    db.session.refresh(row)  # the worker (or the inline queue) may have written it
    if row.status == CODE_SENT:
        return Sent(issued, delivered=True)
    return Sent(issued, error=row.error, raw_code=row.raw_code, raw_message=row.raw_message)


def _queue(issued: Issued, locale: str, expires_at: datetime) -> list[int]:
    """Render the code's message and queue it (in the issuing transaction); the queued
    row's id, or none when the template cannot be rendered (the code row says why)."""
    from services.templates import rendering  # rendering reads stored templates

    request = issued.request
    variables = {"site_name": settings.get("basic.site_name"), "code": issued.code,
                 "minutes": issued.minutes, **request.variables}
    try:
        rendered = rendering.render(request.scene, request.channel, locale, variables)
    except Exception as exc:  # a broken stored template must not lose the request silently
        log.exception("code template for %s failed to render", request.scene)
        error = "template_missing" if isinstance(exc, rendering.TemplateMissing) else "unknown"
        _record_result(issued.id, CODE_FAILED, error=error, raw=str(exc))
        return []
    message = Message(to=request.destination, content=rendered.text, subject=rendered.subject,
                      html=rendered.html, template_code=rendered.template_code,
                      params=rendered.params, purpose=request.scene)
    return [outgoing.add(request.channel, message, kind=KIND_CODE, code_id=issued.id,
                         member_id=request.member_id, expires_at=expires_at)]


@outgoing.on_settled(KIND_CODE)
def _settled(outcome: outgoing.Settled) -> None:
    """The worker's outcome on the code row: the code log's "send result"."""
    result = outcome.result
    status = CODE_SENT if outcome.status == OUT_SENT else CODE_FAILED
    _record_result(outcome.row.code_id, status, gateway=result.gateway if result else "",
                   error=outcome.error, raw_code=result.raw_code if result else "",
                   raw=result.raw_message if result else "", attempt_id=outcome.attempt_id)


# Built once: this runs after every send, and building the statement costs more than it.
_RECORD_RESULT = VerificationCode.__table__.update().where(
    VerificationCode.__table__.c.id == bindparam("code_id"))


def _record_result(code_id: int, status: str, gateway: str = "", error: str = "",
                   raw_code: str = "", raw: str = "", attempt_id: int | None = None) -> None:
    """Store how the send went on the code row (the caller's transaction commits it)."""
    db.session.execute(_RECORD_RESULT, {
        "code_id": code_id, "status": status, "gateway": (gateway or "")[:32],
        "error": (error or "")[:40], "raw_code": (raw_code or "")[:64],
        "raw_message": (raw or "")[:500], "attempt_id": attempt_id})


def _hand_over_later(queued: list[int]) -> Callable[[], None]:
    """A callable that enqueues ``queued`` in its own app context, after the answer.

    If it never runs (the process died first), the rows wait ``queued`` for the sweep.
    """
    app = current_app._get_current_object()

    def _run() -> None:
        if not queued:
            return
        with app.app_context():
            try:
                outgoing.hand_over(queued)  # a queue down now is the sweep's to make good
            finally:
                db.session.remove()

    return _run
