"""System → Outbox: codes masked as in the code log, the same protected and audited reveal,
the admin's own codes readable by that admin alone, and every other text as it was sent."""

from __future__ import annotations

import re

import pytest

from core.admins import make_admin
from extensions import db
from gateways.base import Message
from models import AuditEntry, VerificationCode
from services.codes import issue as codes
from services.codes import sending
from services.codes.issue import CodeRequest
from services.delivery import messaging
from tests.codes.conftest import EMAIL, PHONE, last_code, send
from tests.conftest import ADMIN_PASSWORD

EN = {"Accept-Language": "en"}
REVEAL_FORM = re.compile(r'action="/admin/logs/codes/(\d+)/reveal"')


def outbox(client) -> str:
    response = client.get("/admin/outbox/", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def reveal(client, code_id: int):
    return client.post(f"/admin/logs/codes/{code_id}/reveal", data={"back": "outbox"},
                       headers=EN)


@pytest.fixture
def members_code(client) -> tuple[VerificationCode, str]:
    """A member's registration code, "sent" by the log gateway: its record and plain code."""
    send(client, "register", PHONE)
    return db.session.scalar(db.select(VerificationCode)), last_code(PHONE)


def test_a_members_code_is_masked_and_offers_the_reveal(client, auth, members_code):
    row, code = members_code
    auth.login()
    html = outbox(client)
    assert code not in html
    assert row.masked_code in html and row.masked_code.endswith("****")
    assert REVEAL_FORM.findall(html) == [str(row.id)]
    assert 'name="back" value="outbox"' in html


def test_the_reveal_needs_protection_is_audited_and_leads_back(client, auth, members_code):
    row, code = members_code
    auth.login()
    parked = reveal(client, row.id)
    assert parked.status_code == 302 and "/admin/confirm/" in parked.location
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "codes.reveal")) is None
    auth.confirm_protection()
    shown = reveal(client, row.id).get_data(as_text=True)
    assert code in shown and "Back to the Outbox" in shown
    assert f'href="/admin/outbox/?destination=%2B{PHONE[1:]}"' in shown
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "codes.reveal"))
    assert entry is not None and f"#{row.id}" in entry.target


def test_an_expired_code_stays_masked_and_is_not_revealed(client, auth, members_code, frozen):
    row, code = members_code
    auth.login()
    auth.confirm_protection(minutes=30)
    frozen.move(minutes=11)
    html = outbox(client)
    assert code not in html and row.masked_code in html
    assert not REVEAL_FORM.search(html) and "no longer shown" in html
    refused = reveal(client, row.id)
    assert refused.status_code == 302 and refused.location.startswith("/admin/outbox/")
    assert code not in client.get(refused.location, headers=EN).get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "codes.reveal")) is None


def test_a_used_code_is_not_revealed(client, auth, members_code):
    row, code = members_code
    assert codes.check("register", PHONE, row.binding, code)
    auth.login()
    auth.confirm_protection()
    assert not REVEAL_FORM.search(outbox(client))
    refused = reveal(client, row.id)
    assert refused.status_code == 302 and code not in refused.get_data(as_text=True)


def own_code(admin, scene: str = "operation_protection") -> str:
    """A code issued to ``admin`` the way operation protection issues one."""
    sending.send(CodeRequest(scene=scene, destination=admin.phone,
                             binding=f"a:{admin.id}:session", action="settings.sms"), "en")
    return last_code(admin.phone)


def test_an_admins_own_code_is_shown_to_that_admin_alone(client, auth, admin):
    code = own_code(admin)
    auth.login()
    html = outbox(client)
    assert code in html and "your own code" in html and not REVEAL_FORM.search(html)
    auth.logout()
    other = make_admin("helpdesk", ADMIN_PASSWORD, phone="+8613900139000")
    auth.login(other.username)
    html = outbox(client)
    assert code not in html and code[:2] + "****" in html and REVEAL_FORM.search(html)


def test_an_email_code_is_masked_in_the_subject_and_the_text(client, auth):
    issued = codes.issue(CodeRequest(scene="reset_password", destination=EMAIL,
                                     binding="s:browser"))
    # A template may put the code in the subject too.
    messaging.send("email", Message(to=EMAIL, subject=f"Code {issued.code}",
                                    content=f"Your code is {issued.code}.",
                                    purpose="reset_password"))
    masked = db.session.get(VerificationCode, issued.id).masked_code
    auth.login()
    html = outbox(client)
    assert issued.code not in html
    assert f"Code {masked}" in html and f"Your code is {masked}." in html
    assert "not sent to a mailbox" in html


def test_text_without_a_live_code_is_shown_as_sent(client, auth, members_code):
    row, code = members_code
    # Same receiver and scene, but not the code: an order number keeps its digits.
    messaging.send("sms", Message(to=PHONE, content=f"Order {code[:2]}9999 shipped",
                                  purpose="register"))
    messaging.send("sms", Message(to="+8613700137000", content="您的验证码是654321",
                                  purpose="register"))
    auth.login()
    html = outbox(client)
    assert f"Order {code[:2]}9999 shipped" in html and "您的验证码是654321" in html
    assert code not in html and REVEAL_FORM.findall(html) == [str(row.id)]


def test_the_page_names_scenes_and_channels_in_chinese(client, auth, members_code):
    auth.login()
    html = client.get("/admin/outbox/", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True)
    assert "会员注册验证码" in html and "短信" in html and ">sms<" not in html
