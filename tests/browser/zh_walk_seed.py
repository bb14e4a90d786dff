"""The rows the zh_CN walk (test_zh_walk.py) needs so that every table has something to show.

Made through the product's own paths where one exists (a code asked for over HTTP, a
notification queued by ``notify``, a block added by the service), so the remarks, badges and
labels are the ones Herald writes. Free text an admin would type is Chinese, as a Chinese
admin's would be: the walk looks for English words Herald itself shows.
"""

from __future__ import annotations

import secrets
from typing import Any

from core import crypto, settings
from core.passwords import hash_password
from extensions import db
from models import InsiteMessage, LoginSession, Member, PendingAction
from models.alert import SiteAlert
from models.code import VerificationCode
from services.codes import blocks
from services.notify import api_clients as event_clients
from services.notify import jobs as notify_jobs
from services.reseller import clients as reseller_clients
from tests.reseller.conftest import make_template

MEMBER_PHONE, MEMBER_PASSWORD = "+8613800138090", "Calm-Orchard-61"
MEMBER_EMAIL = "wang.fang@example.com"
# What a bot types into the phone field: far longer than any phone, with no place to break.
JUNK_PHONE = "138" + "0" * 40 + "#*" + "9" * 300
SETTINGS_GROUPS = ("basic", "sms", "email", "wechat", "member", "api")
TEMPLATE_EDITORS = (("server_opened", "sms"), ("server_opened", "email"),
                    ("server_opened", "insite"), ("server_opened", "wechat"), ("login", "sms"))


def seed(client, admin) -> dict[str, Any]:
    """One of every object an admin page can name, and log rows of every kind."""
    member = Member(phone=MEMBER_PHONE, email=MEMBER_EMAIL,
                    password_hash=hash_password(MEMBER_PASSWORD))
    db.session.add(member)
    db.session.commit()
    template = make_template(name="验证码模板")
    account, _keys = reseller_clients.create("r10000001", "下游面板", 5, ["1001"], [], 60)
    event_clients.create("业务系统")
    blocks.add("phone", "+8613800138099", reason="刷短信", actor=admin.username)
    blocks.add("ip", "203.0.113.9", reason="刷短信", actor=admin.username)
    db.session.add_all([
        SiteAlert(kind="hourly_ceiling", message="more than 100 codes in one hour",
                  details={"ceiling": 100}),
        InsiteMessage(member_id=member.id, title="续费提醒", body="您的服务器即将到期。")])
    db.session.commit()
    _ask_for_codes(client)
    job = notify_jobs.notify("push_notice", member, title="维护通知", body="今晚维护。")
    _failing_sms_gateway()
    _ask_for_codes(client, phone="13800138092")
    return {"member_id": member.id, "admin_id": admin.id, "account_id": account.id,
            "api_client_id": account.api_client_id, "template_id": template.id,
            "job_id": job.job_id, "message_id": _inbox_message(member.id)}


def _ask_for_codes(client, phone: str = "13800138091") -> None:
    """A register code by SMS, a reset code by email, and a junk phone from a bot."""
    for scene, destination in (("register", phone), ("reset_password", MEMBER_EMAIL),
                               ("register", JUNK_PHONE)):
        client.post("/codes/send", data={"scene": scene, "destination": destination},
                    headers={"Accept": "application/json"}).close()


def _failing_sms_gateway() -> None:
    """Alibaba at a port nothing listens on: a failed row with a connection error."""
    settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": "http://127.0.0.1:9/",
                     "sms.aliyun.access_key_id": "LTAI5tWalk",
                     "sms.aliyun.access_key_secret": "walk-secret-0123456789",
                     "sms.aliyun.sign_name": "Herald"})


def _inbox_message(member_id: int) -> int:
    return db.session.scalar(db.select(InsiteMessage.id).where(
        InsiteMessage.member_id == member_id).order_by(InsiteMessage.id))


def pending_action(admin) -> str:
    """An operation-protection confirmation waiting for the browser's newest session."""
    # End this session's transaction first: on MariaDB (REPEATABLE READ) its snapshot, taken
    # before the browser signed in on the server's thread, would not see that sign-in.
    db.session.commit()
    login_session = db.session.scalar(db.select(LoginSession).where(
        LoginSession.admin_id == admin.id).order_by(LoginSession.id.desc()))
    pending = PendingAction(key=secrets.token_urlsafe(32), admin_id=admin.id,
                            session_key=login_session.key, action="settings.member",
                            endpoint="admin_settings.tab", path="/admin/settings/member",
                            view_args='{"group": "member"}', form=crypto.encrypt("[]"))
    db.session.add(pending)
    db.session.commit()
    return pending.key


def code_rows() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) or 0
