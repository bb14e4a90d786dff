"""Error pages and JSON errors, each with its catalog code, in the user's language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from core import catalog, crypto
from core.routing import wants_json
from extensions import db

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "bad_request",
    413: "bad_request",
    429: "rate_limited",
    500: "server_error",
    503: "service_unavailable",
}


def error_response(status: int, code: str):
    if wants_json():
        return jsonify(code=code, message=catalog.message(code), fix=catalog.fix(code)), status
    try:
        return render_template("errors/error.html", status=status, code=code), status
    except Exception:  # the page itself failed (e.g. database down): plain text still helps
        log.exception("error page failed to render")
        return f"{status} [{code}] {catalog.message(code)}", status, {"Content-Type":
                                                                      "text/plain; charset=utf-8"}


def _http_error(exc: HTTPException):
    status = exc.code or 500
    return error_response(status, CODES.get(status, "bad_request"))


def _csrf_error(_exc: CSRFError):
    return error_response(400, "csrf_failed")


def _database_down(exc: OperationalError):
    db.session.rollback()
    log.error("database unavailable: %s", exc.orig)
    return error_response(503, "service_unavailable")


def _limit_store_down(exc: Exception):
    # Rate limits fail closed: without their store a login or API call is refused, with a
    # clear 503, never let through unlimited (member pages have their own handler).
    log.error("rate-limit storage unreachable, request refused: %s", exc)
    return error_response(503, "service_unavailable")


def _secret_unreadable(exc: crypto.SecretUnreadable):
    # A stored secret whose key was removed before a rotation: not a crash but a
    # configuration to fix, and the catalog says how (put the key back, rotate).
    db.session.rollback()
    log.error("a stored secret cannot be decrypted (its key was removed): %s", exc)
    return error_response(503, "secret_unreadable")


def _server_error(exc: Exception):
    # Whatever the request half-wrote must not leak into the next use of the session.
    db.session.rollback()
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, "server_error")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    for error in (StorageError, RedisError):
        app.register_error_handler(error, _limit_store_down)
    app.register_error_handler(crypto.SecretUnreadable, _secret_unreadable)
    app.register_error_handler(Exception, _server_error)
