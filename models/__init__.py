"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from models.admin import ROLE_OPERATOR, ROLE_SUPER, ROLES, Admin, LoginSession
from models.api_client import KIND_EVENTS, KIND_RESELLER, ApiClient, ApiNonce
from models.audit import AuditEntry
from models.delivery import DeliveryAttempt, OutboxMessage
from models.member import Member
from models.member_session import MemberSession
from models.message import InsiteMessage
from models.setting import SettingValue
from models.template import EventSetting, MessageTemplate

__all__ = [
    "KIND_EVENTS",
    "KIND_RESELLER",
    "ROLES",
    "ROLE_OPERATOR",
    "ROLE_SUPER",
    "Admin",
    "ApiClient",
    "ApiNonce",
    "AuditEntry",
    "DeliveryAttempt",
    "EventSetting",
    "InsiteMessage",
    "LoginSession",
    "Member",
    "MemberSession",
    "MessageTemplate",
    "OutboxMessage",
    "SettingValue",
]
