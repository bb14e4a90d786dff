"""Refuse text no database can store: a NUL character in a form field or query argument.

PostgreSQL refuses NUL in text ("text fields cannot contain NUL (0x00) bytes"), so a form
holding one was a 500 there while SQLite and MariaDB stored it. No real input holds one:
the request is refused up front, the same way on every database, as ``bad_request``.
The machine APIs check their own bodies (``services.notify.dispatch`` refuses NUL in event
variables, the reseller API control characters in template parameters).
"""

from __future__ import annotations

from flask import Flask, abort, request


def _holds_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs.items(multi=True))


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def refuse_nul() -> None:
    if _holds_nul(request.args):
        abort(400)
    # Form bodies only: the JSON APIs read (and size-limit) their raw bodies themselves,
    # which parsing them here first would get ahead of.
    if request.mimetype in FORMS and _holds_nul(request.form):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
