"""Operation protection (操作保护): sensitive admin actions need a fresh code.

One mechanism for every protected action. A view calls ``require(action)`` once it knows
the submission is a protected change; without an open confirmation window the submission
is parked as a PendingAction and the admin is sent to the confirmation page. There the
admin asks for an ``operation_protection`` code (SMS or email, to their own phone or
address), enters it, and the parked submission is replayed exactly as submitted.

There is deliberately no setting, environment variable or template switch that turns this
off (seed 001, item 7: 敏感操作时的短信验证不可取消); only the window length is a setting.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict

from core import crypto, settings
from extensions import db
from models import LoginSession, PendingAction
from models.base import utcnow

PENDING_LIFETIME = timedelta(minutes=15)


def _session_row() -> LoginSession | None:
    return db.session.scalar(db.select(LoginSession).where(
        LoginSession.key == current_user.session_key))


def window_open() -> bool:
    """Whether this admin's *current session* confirmed a code within the window."""
    row = _session_row()
    return bool(row and row.protected_until and row.protected_until > utcnow())


def require(action: str):
    """None when the action may run now; otherwise the redirect to confirm it."""
    if g.get("protection_replay") == action or window_open():
        return None
    pending = park(action)
    return redirect(url_for("admin_protection.confirm", key=pending.key))


def protected(action: str) -> Callable:
    """Decorator for views whose every POST is a protected action."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if request.method == "POST":
                refusal = require(action)
                if refusal is not None:
                    return refusal
            return view(*args, **kwargs)

        return wrapped

    return decorator


def park(action: str) -> PendingAction:
    pairs = list(request.form.items(multi=True))
    pending = PendingAction(
        key=secrets.token_urlsafe(32), admin_id=current_user.id,
        session_key=current_user.session_key, action=action[:64],
        endpoint=request.endpoint or "", path=request.path[:500],
        view_args=json.dumps(request.view_args or {}),
        form=crypto.encrypt(json.dumps(pairs, ensure_ascii=False)))
    db.session.add(pending)
    db.session.commit()
    return pending


def pending_for(key: str) -> PendingAction | None:
    """The unused, unexpired parked action of this admin and session."""
    pending = db.session.scalar(db.select(PendingAction).where(PendingAction.key == key[:64]))
    if (pending is None or pending.used_at is not None
            or pending.admin_id != current_user.id
            or pending.session_key != current_user.session_key
            or utcnow() - pending.created_at > PENDING_LIFETIME):
        return None
    return pending


def open_window() -> None:
    row = _session_row()
    minutes = settings.get("basic.protection_window_minutes")
    row.protected_until = utcnow() + timedelta(minutes=minutes)
    db.session.commit()


def replay(pending: PendingAction):
    """Run the parked view with the parked form, inside this (confirmed) request."""
    pending.used_at = utcnow()
    db.session.commit()
    form = json.loads(crypto.decrypt(pending.form))
    view_args = json.loads(pending.view_args)
    request.url_rule = next(current_app.url_map.iter_rules(pending.endpoint))
    request.view_args = view_args
    request.form = ImmutableMultiDict(form)
    g.protection_replay = pending.action
    view = current_app.view_functions[pending.endpoint]
    return current_app.ensure_sync(view)(**view_args)
