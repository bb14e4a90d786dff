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
from urllib.parse import quote

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.ctx import RequestContext
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from core import clock, crypto, settings
from extensions import db
from models import LoginSession, PendingAction

PENDING_LIFETIME = timedelta(minutes=15)


def _session_row() -> LoginSession | None:
    return db.session.scalar(db.select(LoginSession).where(
        LoginSession.key == current_user.session_key))


def window_open() -> bool:
    """Whether this admin's *current session* confirmed a code within the window."""
    row = _session_row()
    return bool(row and row.protected_until and row.protected_until > clock.now())


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
            or clock.now() - pending.created_at > PENDING_LIFETIME):
        return None
    return pending


def open_window() -> None:
    row = _session_row()
    minutes = settings.get("basic.protection_window_minutes")
    row.protected_until = clock.now() + timedelta(minutes=minutes)
    db.session.commit()


def replay(pending: PendingAction):
    """Run the parked submission, now confirmed, as a request of its own.

    The parked path and form get a fresh request context, so ``request.form``,
    ``.values``, ``.args``, ``.path`` and ``.endpoint`` all describe the parked submission,
    as when it was first posted; nothing is patched onto the confirming request (whose
    cached ``request.values`` and ``.path`` would still describe the confirmation).

    What says who is acting is carried over. The parked request shares this request's
    session object, so its flash messages and the CSRF secret are this session's and are
    saved with this response; it sees the same client address, cookies and language
    headers, so audit entries and messages read as before. ``g`` belongs to the app
    context both requests share: the signed-in admin and the CSRF check this request
    passed stay as they are. The before_request hooks ran when the action was parked (by
    this admin, in this session: ``pending_for``) and are not run a second time.
    """
    pending.used_at = clock.now()
    db.session.commit()  # spent before it runs: a second confirmation finds nothing
    parked = RequestContext(current_app._get_current_object(), _parked_environ(pending),
                            session=session._get_current_object())
    with parked:
        if (request.endpoint, request.view_args) != (pending.endpoint,
                                                     json.loads(pending.view_args)):
            abort(404)  # the parked path no longer leads to the parked view
        g.protection_replay = pending.action
        return current_app.dispatch_request()


# Headers about the confirming request's own body, which the parked form replaces; the
# host comes with ``base_url``.
_NOT_CARRIED = frozenset({"content-type", "content-length", "content-encoding",
                          "transfer-encoding", "host"})


def _parked_environ(pending: PendingAction) -> dict:
    """The WSGI environ of the parked POST, as this client would send it now."""
    form = MultiDict(json.loads(crypto.decrypt(pending.form)))
    headers = [(name, value) for name, value in request.headers.items()
               if name.lower() not in _NOT_CARRIED]
    carried = {key: request.environ[key] for key in ("REMOTE_ADDR", "REMOTE_PORT")
               if key in request.environ}
    # Quoted, because the builder unquotes it and splits off a "?": the stored path is the
    # decoded one.
    builder = EnvironBuilder(path=quote(pending.path), base_url=request.root_url,
                             method="POST", headers=headers, data=form, environ_base=carried)
    try:
        return builder.get_environ()
    finally:
        builder.close()
