"""Security headers, the admin login loader and server-side session checks."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_login import LoginManager
from flask_talisman import Talisman

from core.sessions import Lifetime, open_session, sign_in_required

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
    from core import settings
    from models import LoginSession

    lifetime = Lifetime(idle=timedelta(minutes=settings.get("basic.session_idle_minutes")),
                        absolute=timedelta(hours=settings.get("basic.session_absolute_hours")),
                        last_seen_resolution=LAST_SEEN_RESOLUTION)
    row = open_session(LoginSession, key, lifetime, account=lambda row: row.admin)
    if row is None:
        return None
    admin = row.admin
    admin.session_key = row.key
    return admin


def _unauthorized():
    return sign_in_required("admin_auth.login")
