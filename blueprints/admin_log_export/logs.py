"""What each log exports: its filtered query (the same filters as its page) and columns."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from core import catalog
from extensions import db
from models import AuditEntry, DeliveryAttempt, LoginEvent, VerificationCode
from services.codes import code_log
from services.logs import admin_logs
from services.logs import notifications as notification_log
from services.logs.export import Column
from services.notify import events


@dataclass(frozen=True)
class Export:
    query: Callable[[Mapping[str, str]], Select]
    id_column: Any
    columns: tuple[Column, ...]


def _remark(code: str) -> str:
    return catalog.message(code) if code else ""


def _codes(args: Mapping[str, str]) -> Select:
    """The verification-code log's own filters (phone, scene, status, channel, IP, dates)."""
    return db.select(VerificationCode).where(
        *code_log.conditions(code_log.read_filters(args)))


def _notifications(args: Mapping[str, str]) -> Select:
    return notification_log.filtered(notification_log.read_filters(args))


def _scene_title(name: str) -> str:
    return str(events.EVENTS[name].title) if name in events.EVENTS else name


A, V = DeliveryAttempt, VerificationCode
EXPORTS: dict[str, Export] = {
    "codes": Export(_codes, V.id, (
        Column("id", V.id), Column("time_utc", V.created_at), Column("scene", V.scene),
        Column("type", V.scene, _scene_title), Column("channel", V.channel),
        Column("receiver", V.destination), Column("member_id", V.member_id),
        Column("code_masked", V.code_hint, lambda hint: f"{hint}****" if hint else ""),
        Column("gateway", V.gateway),
        Column("result", V.status), Column("error", V.error), Column("remark", V.error, _remark),
        Column("raw_code", V.raw_code), Column("raw_message", V.raw_message),
        Column("ip", V.ip), Column("checked_at_utc", V.consumed_at))),
    "notifications": Export(_notifications, A.id, (
        Column("id", A.id), Column("time_utc", A.created_at), Column("event", A.purpose),
        Column("channel", A.channel), Column("gateway", A.gateway),
        Column("receiver", A.destination), Column("result", A.status),
        Column("error", A.error), Column("remark", A.error, _remark),
        Column("raw_code", A.raw_code), Column("raw_message", A.raw_message),
        Column("message_id", A.message_id), Column("delivery_status", A.delivery_status),
        Column("delivery_error", A.delivery_error), Column("delivered_at_utc", A.delivered_at),
        Column("test", A.test))),
    "audit": Export(admin_logs.audit_query, AuditEntry.id, (
        Column("id", AuditEntry.id), Column("time_utc", AuditEntry.created_at),
        Column("admin", AuditEntry.actor), Column("action", AuditEntry.action),
        Column("target", AuditEntry.target), Column("ip", AuditEntry.ip),
        Column("changes", AuditEntry.changes,
               lambda v: "" if v is None else json.dumps(v, ensure_ascii=False, default=str)))),
    "logins": Export(admin_logs.login_query, LoginEvent.id, (
        Column("id", LoginEvent.id), Column("time_utc", LoginEvent.created_at),
        Column("who", LoginEvent.who), Column("username", LoginEvent.username),
        Column("success", LoginEvent.success), Column("method", LoginEvent.method),
        Column("reason", LoginEvent.reason), Column("ip", LoginEvent.ip),
        Column("user_agent", LoginEvent.user_agent))),
}
