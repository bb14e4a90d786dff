"""The admin guard, in one place: every admin blueprint is made by ``admin_blueprint``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

from models import ROLE_SUPER


def admin_blueprint(name: str, import_name: str, url_prefix: str) -> Blueprint:
    """A blueprint all of whose views need a signed-in, active admin."""
    bp = Blueprint(name, import_name, url_prefix=f"/admin{url_prefix}")

    @bp.before_request
    @login_required
    def _require_admin():
        return None

    return bp


def super_admin_required(view: Callable) -> Callable:
    """Operators may read; only super admins may touch credentials, admins and exports."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != ROLE_SUPER:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
