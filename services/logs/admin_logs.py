"""Filters of the admin operation log and the login log, shared by their pages and the
CSV export so both always select the same rows."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select

from extensions import db
from models import AuditEntry, LoginEvent

LOGIN_RESULTS = {"ok": True, "failed": False}


def arg(args: Mapping[str, str], name: str) -> str:
    return (args.get(name) or "").strip()[:254]


def audit_query(args: Mapping[str, str]) -> Select:
    query = db.select(AuditEntry)
    if arg(args, "actor"):
        query = query.where(AuditEntry.actor == arg(args, "actor"))
    if arg(args, "action"):
        query = query.where(AuditEntry.action.startswith(arg(args, "action")))
    return query


def login_query(args: Mapping[str, str]) -> Select:
    query = db.select(LoginEvent)
    if arg(args, "who") in {"admin", "member"}:
        query = query.where(LoginEvent.who == arg(args, "who"))
    for name, column in (("username", LoginEvent.username), ("ip", LoginEvent.ip)):
        if arg(args, name):
            query = query.where(column == arg(args, name))
    if arg(args, "result") in LOGIN_RESULTS:
        query = query.where(LoginEvent.success == LOGIN_RESULTS[arg(args, "result")])
    return query
