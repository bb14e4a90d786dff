"""Sign-in bookkeeping: the login log and lockout after repeated failures.

Failures are counted per typed username and per IP address over the lockout window,
since the last success of that username. An unknown username is counted exactly like a
known one, so the answers never tell whether an account exists.
"""

from __future__ import annotations

from datetime import timedelta

from flask import request

from core import clock, settings
from core.audit import client_ip
from core.log_text import one_line
from extensions import db
from models import LoginEvent


def typed(username: str) -> str:
    """The username as typed, as the login log keeps it: one line, at most 254 characters."""
    return one_line(username.strip())[:254]


def record(who: str, username: str, success: bool, account_id: int | None = None,
           method: str = "password", reason: str = "") -> LoginEvent:
    event = LoginEvent(who=who, username=typed(username), account_id=account_id,
                       success=success, method=method, reason=reason, ip=client_ip(),
                       user_agent=one_line(request.user_agent.string or "")[:255])
    db.session.add(event)
    db.session.commit()
    return event


def locked_out(who: str, username: str) -> bool:
    """Whether this username, or the client's IP, has failed too often lately."""
    threshold = settings.get("basic.lockout_threshold")
    since = clock.now() - timedelta(minutes=settings.get("basic.lockout_minutes"))
    username = typed(username)
    last_success = db.session.scalar(
        db.select(db.func.max(LoginEvent.created_at)).where(
            LoginEvent.who == who, LoginEvent.username == username, LoginEvent.success))
    account_since = max(since, last_success) if last_success else since
    return (_failures(who, LoginEvent.username == username, account_since) >= threshold
            or _failures(who, LoginEvent.ip == client_ip(), since) >= threshold)


def _failures(who: str, condition, since) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(LoginEvent).where(
            LoginEvent.who == who, condition, ~LoginEvent.success,
            LoginEvent.created_at > since)) or 0
