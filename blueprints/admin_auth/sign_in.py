"""The steps of an admin sign-in shared by the password page and the code page: check the
password, hand over to the code step when one is needed, open the session."""

from __future__ import annotations

import secrets

from flask import redirect, request, session, url_for
from flask_login import login_user

from core import clock, settings
from core.admins import needs_securing
from core.audit import client_ip
from core.passwords import signed_in
from extensions import db
from models import Admin, LoginSession
from models.login_event import WHO_ADMIN
from services.sign_in import guard as login_guard
from services.sign_in import notice as login_notice

# The session entry of an admin who gave the right password and still owes a code.
CHALLENGE = "admin_login_challenge"
CHALLENGE_SECONDS = 600


def authenticate(username: str, password: str) -> Admin | None:
    """The active admin with these credentials, or None (same cost either way)."""
    admin = db.session.scalar(db.select(Admin).where(Admin.username == username.strip()))
    return signed_in(admin, password)


def code_required(admin: Admin) -> bool:
    return admin.login_code or settings.get("basic.admin_login_code_required")


def begin_code_step(admin: Admin, next_url: str):
    """Password accepted: remember who is half-way in, in a fresh session."""
    session.clear()
    session[CHALLENGE] = {"admin": admin.id, "token": secrets.token_urlsafe(16),
                          "next": next_url, "at": int(clock.now().timestamp())}
    return redirect(url_for("admin_auth.code"))


def finish_login(admin: Admin, next_url: str, method: str = "password"):
    """The last step of every admin sign-in: log it, open the session, send the notice."""
    login_guard.record(WHO_ADMIN, admin.username, True, account_id=admin.id, method=method)
    start_session(admin)
    login_notice.send(admin)
    if needs_securing(admin):  # no code could reach them: bind a phone or email first
        return redirect(url_for("admin_auth.secure", next=next_url))
    return redirect(next_url)


def start_session(admin: Admin) -> LoginSession:
    """Rotate: drop everything the anonymous session held, then bind a fresh server row."""
    session.clear()
    row = LoginSession(admin_id=admin.id, ip=client_ip(),
                       user_agent=(request.user_agent.string or "")[:255])
    db.session.add(row)
    admin.last_login_at = clock.now()
    db.session.commit()
    admin.session_key = row.key
    login_user(admin)
    return row
