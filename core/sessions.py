"""Server-side sign-in sessions, one shape for admins and members.

Both keep only a random key in the cookie naming a row (``LoginSession`` for admins,
``MemberSession`` for members); the row is the session. ``open_session`` loads such a row
while it is still good, with each side's timeouts as data, and ``sign_in_required``
is the one answer to a request that needs a sign-in it does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import jsonify, redirect, request, url_for

from core import catalog, clock
from core.routing import wants_json
from extensions import db

Row = TypeVar("Row")


@dataclass(frozen=True)
class Lifetime:
    """How long a session row lives, and how often its ``last_seen_at`` is written."""

    idle: timedelta
    absolute: timedelta
    # Writing last_seen_at on every request would cost a commit per page view.
    last_seen_resolution: timedelta


def open_session(model: type[Row], key: str, lifetime: Lifetime,
                 account: Callable[[Row], Any]) -> Row | None:
    """The row of ``model`` named by ``key`` if it is unrevoked, its ``account`` active and
    within ``lifetime``; a row past its lifetime is revoked on the way."""
    row = db.session.scalar(db.select(model).where(model.key == key))
    if row is None or row.revoked_at is not None or not account(row).active:
        return None
    now = clock.now()
    if now - row.last_seen_at > lifetime.idle or now - row.created_at > lifetime.absolute:
        row.revoked_at = now
        db.session.commit()
        return None
    if now - row.last_seen_at > lifetime.last_seen_resolution:
        row.last_seen_at = now
        db.session.commit()
    return row


def sign_in_required(login_endpoint: str) -> Any:
    """JSON callers get 401 ``login_required``, browsers the sign-in page and back."""
    if wants_json():
        return jsonify(code="login_required", message=catalog.message("login_required")), 401
    return redirect(url_for(login_endpoint, next=request.full_path.rstrip("?")))
