"""All models, imported here so Alembic and ``db.create_all`` see every table."""

from models.admin import ROLE_OPERATOR, ROLE_SUPER, ROLES, Admin, LoginSession
from models.alert import SiteAlert
from models.api_client import KIND_EVENTS, KIND_RESELLER, ApiClient
from models.audit import AuditEntry
from models.block import Block
from models.code import CaptchaFlag, CodeLogTotal, SendCounter, VerificationCode
from models.delivery import DeliveryAttempt, OutboxMessage
from models.login_event import LoginEvent, PendingAction
from models.member import Member
from models.member_session import MemberSession
from models.message import InsiteMessage
from models.queue import Job, Outgoing, WorkerBeat
from models.replay import ReplayKey
from models.reseller import ResellerAccount, ResellerRequest, ResellerTemplate
from models.setting import SettingValue
from models.template import EventSetting, MessageTemplate
from models.wechat_binding import WechatBinding, WechatBindToken

__all__ = [
    "KIND_EVENTS",
    "KIND_RESELLER",
    "ROLES",
    "ROLE_OPERATOR",
    "ROLE_SUPER",
    "Admin",
    "ApiClient",
    "AuditEntry",
    "Block",
    "CaptchaFlag",
    "CodeLogTotal",
    "DeliveryAttempt",
    "EventSetting",
    "InsiteMessage",
    "Job",
    "LoginEvent",
    "LoginSession",
    "Member",
    "MemberSession",
    "MessageTemplate",
    "OutboxMessage",
    "Outgoing",
    "PendingAction",
    "ReplayKey",
    "ResellerAccount",
    "ResellerRequest",
    "ResellerTemplate",
    "SendCounter",
    "SettingValue",
    "SiteAlert",
    "VerificationCode",
    "WechatBindToken",
    "WechatBinding",
    "WorkerBeat",
]
