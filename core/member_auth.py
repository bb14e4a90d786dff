"""Member sign-in, kept apart from the admins' Flask-Login session.

The cookie session holds only ``member_sid``, the random key of a ``MemberSession`` row:
logging out revokes that row, and every login makes a new one (so a key seen before
login is worthless after it).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import g, request, session

from core import clock
from core.sessions import Lifetime, open_session, sign_in_required
from extensions import db
from models.member import Member
from models.member_session import MemberSession

SESSION_KEY = "member_sid"
CODE_SESSION_KEY = "code_sid"  # binds codes asked for before sign-in to this browser
IDLE_TIMEOUT = timedelta(days=7)
ABSOLUTE_TIMEOUT = timedelta(days=30)
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
LIFETIME = Lifetime(IDLE_TIMEOUT, ABSOLUTE_TIMEOUT, LAST_SEEN_RESOLUTION)
_UNSET = object()


def current_member() -> Member | None:
    """The signed-in member of this request, or None (looked up once per request)."""
    cached = g.get("_current_member", _UNSET)
    if cached is _UNSET:
        cached = _load()
        g._current_member = cached
    return cached


def login_member(member: Member) -> MemberSession:
    """Sign ``member`` in on a fresh session row, revoking the browser's previous one."""
    _revoke(session.get(SESSION_KEY))
    row = MemberSession(member_id=member.id, ip=(request.remote_addr or "")[:45],
                        user_agent=(request.user_agent.string or "")[:255])
    db.session.add(row)
    member.last_login_at = clock.now()
    db.session.commit()
    session[SESSION_KEY] = row.key
    g._current_member = member
    return row


def logout_member() -> None:
    """Revoke this browser's session row and forget its key."""
    _revoke(session.pop(SESSION_KEY, None))
    db.session.commit()
    g._current_member = None


def revoke_all(member: Member, keep_current: bool = True) -> int:
    """Revoke the member's other sessions (after a password reset); returns how many."""
    query = db.update(MemberSession).where(MemberSession.member_id == member.id,
                                           MemberSession.revoked_at.is_(None))
    current = session.get(SESSION_KEY)
    if keep_current and current:
        query = query.where(MemberSession.key != current)
    result = db.session.execute(query.values(revoked_at=clock.now()))
    db.session.commit()
    return result.rowcount or 0


def session_binding() -> str:
    """The binding of a code asked for by this browser (register, sign-in, reset).

    A code only works in the browser session that asked for it; the database keeps a
    hash of the random session value, not the value itself.
    """
    value = session.get(CODE_SESSION_KEY)
    if not value:
        value = session[CODE_SESSION_KEY] = secrets.token_urlsafe(24)
    return "s:" + hashlib.sha256(value.encode()).hexdigest()[:40]


def account_binding(member: Member) -> str:
    """The binding of a code asked for by a signed-in member (account changes)."""
    return f"m:{member.id}"


def member_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Views for signed-in members only: JSON callers get 401, browsers the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_member() is None:
            return sign_in_required("member_auth.login")
        return view(*args, **kwargs)

    return wrapped


def _load() -> Member | None:
    key = session.get(SESSION_KEY)
    if not key:
        return None
    row = open_session(MemberSession, key, LIFETIME, account=lambda row: row.member)
    if row is None:
        session.pop(SESSION_KEY, None)
        return None
    return row.member


def _revoke(key: str | None) -> None:
    if key:
        db.session.execute(db.update(MemberSession)
                           .where(MemberSession.key == key, MemberSession.revoked_at.is_(None))
                           .values(revoked_at=clock.now()))
