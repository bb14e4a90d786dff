"""Admin sign-in and sign-out at /admin/login and /admin/logout."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from blueprints.admin_auth.forms import LoginForm
from blueprints.admin_auth.sign_in import (
    authenticate,
    begin_code_step,
    code_required,
    finish_login,
)
from core import catalog, clock
from core.routing import safe_next
from extensions import db, limiter
from models import LoginSession
from models.login_event import WHO_ADMIN
from services.sign_in import guard as login_guard

bp = Blueprint("admin_auth", __name__, url_prefix="/admin")


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
                next_url = safe_next(request.args.get("next"), "admin_home.index")
                if code_required(admin):
                    return begin_code_step(admin, next_url)
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
        row.revoked_at = clock.now()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("admin_auth.login"))
