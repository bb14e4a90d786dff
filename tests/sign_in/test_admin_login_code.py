"""Admin sign-in with an admin_login code, and the admin_login_notice."""

import re

from core import crypto, settings
from core.admins import make_admin
from extensions import db
from models import DeliveryAttempt, LoginEvent, OutboxMessage


def last_code() -> str:
    row = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.purpose == "admin_login")
                            .order_by(OutboxMessage.id.desc()))
    return re.search(r"\d{6}", crypto.decrypt(row.content)).group(0)


def enable_code(admin):
    admin.login_code = True
    db.session.commit()


def test_password_then_code(client, auth):
    enable_code(auth.admin)
    response = auth.login()
    assert response.headers["Location"].endswith("/admin/login/code")
    assert client.get("/admin/").status_code == 302  # not signed in yet
    client.post("/admin/login/code/send", data={"channel": "sms"})
    response = client.post("/admin/login/code", data={"code": last_code(), "confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    event = db.session.scalar(db.select(LoginEvent).where(LoginEvent.success))
    assert event.method == "code"


def test_a_wrong_code_does_not_sign_in_and_is_logged(client, auth):
    enable_code(auth.admin)
    auth.login()
    client.post("/admin/login/code/send", data={"channel": "email"})
    wrong = "000000" if last_code() != "000000" else "111111"
    html = client.post("/admin/login/code", data={"code": wrong, "confirm": "1"},
                       headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "验证码错误或已失效" in html
    assert client.get("/admin/").status_code == 302
    assert db.session.scalar(db.select(LoginEvent.reason).where(~LoginEvent.success)) == \
        "code_invalid"


def test_the_basic_setting_makes_codes_mandatory(client, auth):
    settings.update({"basic.admin_login_code_required": True})
    assert auth.login().headers["Location"].endswith("/admin/login/code")


def test_the_code_step_expires(client, auth, frozen):
    enable_code(auth.admin)
    auth.login()
    frozen.move(seconds=601)
    assert client.get("/admin/login/code").headers["Location"].endswith("/admin/login")


def test_the_code_step_needs_the_password_first(client, admin):
    assert client.get("/admin/login/code").status_code == 302


def test_every_sign_in_sends_the_admin_login_notice(client, auth):
    auth.login()
    notices = db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "admin_login_notice")).all()
    assert {n.destination for n in notices} & {"+8613800138000", "root@example.com"}


def test_super_admins_can_be_told_too(client, auth):
    make_admin("boss", "boss-password-1", email="boss@example.com")
    settings.update({"basic.login_notice_to_supers": True})
    auth.login()
    destinations = set(db.session.scalars(db.select(DeliveryAttempt.destination).where(
        DeliveryAttempt.purpose == "admin_login_notice")))
    assert "boss@example.com" in destinations
