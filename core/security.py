"""Security headers, the admin login loader and server-side session checks."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, jsonify, redirect, request, url_for
from flask_login import LoginManager
from flask_talisman import Talisman

from models.base import utcnow

# Bootstrap, Chart.js and the captcha widget are served from /static, and no page has
# inline script, so the policy can stay 'self' only.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def init_talisman(app: Flask, talisman: Talisman) -> None:
    production = app.config["HERALD_ENV"] == "production"
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=False,  # TLS ends at nginx, which redirects http itself
        strict_transport_security=production,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )

    @app.after_request
    def _no_store_for_admin(response):
        # Settings and log pages hold private data: no browser or proxy may keep them.
        if request.path.startswith("/admin"):
            response.headers["Cache-Control"] = "no-store"
        return response


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.login_view = "admin_auth.login"
    manager.session_protection = None  # the server-side session row does this job
    manager.user_loader(load_admin_session)
    manager.unauthorized_handler(_unauthorized)


def load_admin_session(key: str):
    from extensions import db
    from models import LoginSession

    row = db.session.scalar(db.select(LoginSession).where(LoginSession.key == key))
    if row is None or row.revoked_at is not None or not row.admin.active:
        return None
    from core import settings

    now = utcnow()
    idle = timedelta(minutes=settings.get("basic.session_idle_minutes"))
    absolute = timedelta(hours=settings.get("basic.session_absolute_hours"))
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        row.revoked_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        db.session.commit()
    admin = row.admin
    admin.session_key = row.key
    return admin


def _unauthorized():
    from core import catalog

    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(code="login_required", message=catalog.message("login_required")), 401
    return redirect(url_for("admin_auth.login", next=request.full_path.rstrip("?")))
