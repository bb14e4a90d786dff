"""``admin_login_notice``: every successful admin sign-in is announced to that admin
(and to the super admins when the Basic setting asks for it)."""

from __future__ import annotations

import logging

from flask import current_app
from flask_babel import format_datetime

from core import clock, settings
from core.audit import client_ip
from extensions import db
from models import ROLE_SUPER, Admin
from services.notify import dispatch as notify
from services.notify import jobs

log = logging.getLogger(__name__)
EVENT = "admin_login_notice"


def recipients(admin: Admin) -> list[Admin]:
    people = [admin]
    if settings.get("basic.login_notice_to_supers"):
        people += db.session.scalars(db.select(Admin).where(
            Admin.role == ROLE_SUPER, Admin.active, Admin.id != admin.id)).all()
    return people


def send(admin: Admin) -> None:
    """Best effort: a notice that cannot go out must not stop the sign-in."""
    values = {"admin_name": admin.username, "login_ip": client_ip(),
              "login_time": format_datetime(clock.now(), "yyyy-MM-dd HH:mm:ss")}
    for person in recipients(admin):
        try:
            jobs.notify(EVENT, person, **values)
        except notify.NotifyError as exc:
            log.warning("admin_login_notice to %s refused: %s", person.username, exc)
        except Exception:
            db.session.rollback()
            if current_app.testing:
                raise
            log.exception("admin_login_notice to %s failed", person.username)
