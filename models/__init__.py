"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from models.admin import ROLE_OPERATOR, ROLE_SUPER, ROLES, Admin, LoginSession
from models.audit import AuditEntry
from models.delivery import DeliveryAttempt, OutboxMessage
from models.member import Member
from models.setting import SettingValue

__all__ = [
    "ROLES",
    "ROLE_OPERATOR",
    "ROLE_SUPER",
    "Admin",
    "AuditEntry",
    "DeliveryAttempt",
    "LoginSession",
    "Member",
    "OutboxMessage",
    "SettingValue",
]
