"""Writing admin operation log entries; the caller commits them with its own change."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user

from extensions import db
from models import AuditEntry


def client_ip() -> str:
    """The client's address as the WSGI server (or ProxyFix behind nginx) reports it."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def _actor() -> tuple[int | None, str]:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id, current_user.username
    return None, g.get("audit_actor", "system")


def record(action: str, target: str = "", changes: dict[str, Any] | None = None) -> AuditEntry:
    admin_id, actor = _actor()
    entry = AuditEntry(admin_id=admin_id, actor=actor, action=action, target=target[:255],
                       ip=client_ip(), changes=changes or {})
    db.session.add(entry)
    return entry
