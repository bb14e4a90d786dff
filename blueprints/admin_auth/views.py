"""Admin sign-in and sign-out at /admin/login and /admin/logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.admin_auth.forms import LoginForm
from core import catalog
from core.audit import client_ip
from core.passwords import hash_password, needs_rehash, verify_password
from extensions import db, limiter
from models import Admin, LoginSession
from models.base import utcnow
from models.login_event import WHO_ADMIN
from services.sign_in import guard as login_guard
from services.sign_in import notice as login_notice

bp = Blueprint("admin_auth", __name__, url_prefix="/admin")

from blueprints.admin_auth import login_code  # noqa: E402  (registers its routes on bp)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin_home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data
        if login_guard.locked_out(WHO_ADMIN, username):
            # Checked before the password, so a locked account gives no password oracle.
            login_guard.record(WHO_ADMIN, username, False, reason="login_locked")
            form.form_errors.append(catalog.message("login_locked"))
        else:
            admin = authenticate(username, form.password.data)
            if admin is not None:
                next_url = _safe_next(request.args.get("next"))
                if login_code.required(admin):
                    return login_code.begin(admin, next_url)
                return finish_login(admin, next_url)
            login_guard.record(WHO_ADMIN, username, False, reason="login_failed")
            form.form_errors.append(catalog.message("login_failed"))
    return render_template("admin_auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    key = current_user.session_key
    row = db.session.scalar(db.select(LoginSession).where(LoginSession.key == key))
    if row is not None:
        row.revoked_at = utcnow()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("admin_auth.login"))


def finish_login(admin: Admin, next_url: str, method: str = "password"):
    """The last step of every admin sign-in: log it, open the session, send the notice."""
    login_guard.record(WHO_ADMIN, admin.username, True, account_id=admin.id, method=method)
    start_session(admin)
    login_notice.send(admin)
    return redirect(next_url)


def authenticate(username: str, password: str) -> Admin | None:
    """The active admin with these credentials, or None (same cost either way)."""
    admin = db.session.scalar(db.select(Admin).where(Admin.username == username.strip()))
    ok = verify_password(admin.password_hash if admin else None, password)
    if not ok or admin is None or not admin.active:
        return None
    if needs_rehash(admin.password_hash):
        admin.password_hash = hash_password(password)
    return admin


def start_session(admin: Admin) -> LoginSession:
    """Rotate: drop everything the anonymous session held, then bind a fresh server row."""
    session.clear()
    row = LoginSession(admin_id=admin.id, ip=client_ip(),
                       user_agent=(request.user_agent.string or "")[:255])
    db.session.add(row)
    admin.last_login_at = utcnow()
    db.session.commit()
    admin.session_key = row.key
    login_user(admin)
    return row


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if target:
        parts = urlsplit(target)
        # Not printable: browsers drop tabs and line breaks from a URL ("/\t/evil.example"
        # is "//evil.example" to them), and a line break in a header is a 500.
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target \
                and target.isprintable():
            return target
    return url_for("admin_home.index")
