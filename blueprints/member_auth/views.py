"""The member home page, password sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import catalog
from core.member_auth import current_member, login_member, logout_member
from extensions import limiter

bp = Blueprint("member_auth", __name__)


@bp.record_once
def _template_globals(state) -> None:
    # Every member page (and the in-site inbox) renders the header from current_member().
    state.app.jinja_env.globals["current_member"] = current_member


@bp.route("/")
def index():
    return render_template("member_auth/index.html", member=current_member())


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    from blueprints.member_auth.forms import PasswordLoginForm
    from services.member_accounts import authenticate

    if current_member() is not None:
        return redirect(url_for("member_account.index"))
    form = PasswordLoginForm()
    if form.validate_on_submit():
        member = authenticate(form.account.data, form.password.data)
        if member is not None:
            login_member(member)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append(catalog.message("member_login_failed"))
    return render_template("member_auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_member()
    flash(_("You have signed out."), "info")
    return redirect(url_for(".login"))


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("member_account.index")
