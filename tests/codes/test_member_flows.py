"""Every member flow end to end: through the log gateway, and through a fake provider."""

from __future__ import annotations

import re

import pytest

from core import settings
from core.passwords import verify_password
from extensions import db
from models import DeliveryAttempt, InsiteMessage, Member, MemberSession
from models.code import CODE_FAILED, CODE_SENT, VerificationCode
from tests.codes.conftest import (
    EMAIL,
    NATIONAL,
    PASSWORD,
    PHONE,
    last_code,
    other_code,
    send,
)
from tests.fakes.httpserver import FakeServer
from tests.fakes.smsbao import SmsbaoFake

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
NEW_PASSWORD = "Quiet-Meadow-77"


def register_form(code: str, **changes) -> dict:
    form = {"phone": NATIONAL, "code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "qq": "", "referral": "", "agree": "y"}
    form.update(changes)
    return form


def page(response) -> str:
    return response.get_data(as_text=True)


def notices(purpose: str = "account_changed") -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == purpose)))


# --- registration ---------------------------------------------------------------------

def test_register_with_an_sms_code_signs_the_member_in(client):
    assert send(client, "register", NATIONAL).get_json()["ok"]
    response = client.post("/register", data=register_form(last_code(), qq="10001",
                                                             referral="AGENT-7"))
    assert response.status_code == 302 and response.location.endswith("/account/")
    member = db.session.scalar(db.select(Member))
    assert (member.phone, member.qq, member.referral_code) == (PHONE, "10001", "AGENT-7")
    assert verify_password(member.password_hash, NEW_PASSWORD)
    assert db.session.scalar(db.select(MemberSession)).member_id == member.id
    assert PHONE in page(client.get("/account/"))


def test_the_register_page_has_the_seeds_form(client):
    html = page(client.get("/register", headers=ZH))
    for text in ("用户注册", "请输入短信验证码", "发送短信验证码", "请输入8-20位密码",
                 "再次确认密码", "请输入QQ号码", "请填写您的推荐码", "阅读并接受",
                 "《网站服务协议》", "同意协议并注册", "取消"):
        assert text in html, text


def test_password_bounds_follow_the_settings(client):
    settings.update({"member.password_min": 10, "member.password_max": 12})
    html = page(client.get("/register", headers=ZH))
    assert "请输入10-12位密码" in html
    send(client, "register", NATIONAL)
    short = page(client.post("/register", data=register_form(last_code(), password="Ab-12345",
                                                              confirm="Ab-12345"), headers=ZH))
    assert "请输入10-12位密码" in short and "is-invalid" in short
    assert db.session.scalar(db.select(Member)) is None


@pytest.mark.parametrize("changes, message", [
    ({"password": "12345678", "confirm": "12345678"}, "This password is too common"),
    ({"password": "password123", "confirm": "password123"}, "This password is too common"),
    ({"confirm": "Something-else-1"}, "The two passwords differ"),
    ({"agree": ""}, "Accept the Terms of Service to register"),
    ({"qq": "12"}, "Enter a valid QQ number"),
    ({"phone": "12345"}, "The phone number is invalid or not in an allowed country"),
])
def test_register_refuses_bad_input_field_by_field(client, changes, message):
    send(client, "register", NATIONAL)
    html = page(client.post("/register", data=register_form(last_code(), **changes),
                            headers={"Accept-Language": "en"}))
    assert message in html
    assert db.session.scalar(db.select(Member)) is None


def test_qq_and_referral_are_required_when_the_settings_say_so(client):
    settings.update({"member.require_qq": True, "member.require_referral": True})
    send(client, "register", NATIONAL)
    html = page(client.post("/register", data=register_form(last_code()), headers=ZH))
    assert "请输入QQ号码" in html and "请填写您的推荐码" in html
    assert html.count("invalid-feedback") >= 2
    assert db.session.scalar(db.select(Member)) is None


def test_a_wrong_code_does_not_register(client):
    send(client, "register", NATIONAL)
    html = page(client.post("/register", data=register_form(other_code(last_code())),
                            headers=ZH))
    assert "验证码错误或已失效" in html
    assert db.session.scalar(db.select(Member)) is None


def test_registering_a_phone_that_has_an_account_is_told_only_to_the_code_holder(client,
                                                                                 member):
    assert send(client, "register", NATIONAL).get_json()["ok"]
    html = page(client.post("/register", data=register_form(last_code()), headers=ZH))
    assert "该手机号已注册" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 1


def test_a_register_code_is_refused_for_a_password_reset(client, member):
    send(client, "register", NATIONAL)
    html = page(client.post("/forgot", data={"account": NATIONAL, "code": last_code(),
                                             "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD}, headers=ZH))
    assert "验证码错误或已失效" in html
    db.session.refresh(member)
    assert verify_password(member.password_hash, PASSWORD)


def test_a_code_asked_for_in_another_browser_is_refused(app, client):
    send(client, "register", NATIONAL)
    code = last_code()
    other = app.test_client()  # a second browser: its own cookies
    html = page(other.post("/register", data=register_form(code), headers=ZH))
    assert "验证码错误或已失效" in html


# --- signing in ---------------------------------------------------------------------

def test_sign_in_by_password_with_phone_or_email(client, member):
    response = client.post("/login", data={"account": NATIONAL, "password": PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    response = client.post("/login", data={"account": EMAIL.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/account/")


def test_a_wrong_password_and_an_unknown_account_read_the_same(client, member):
    wrong = client.post("/login", data={"account": NATIONAL, "password": "nope-nope-1"},
                        headers=ZH)
    unknown = client.post("/login", data={"account": "13900139000", "password": "nope-nope-1"},
                          headers=ZH)
    assert wrong.status_code == unknown.status_code == 200
    assert "账号或密码错误" in page(wrong) and "账号或密码错误" in page(unknown)


def test_sign_in_by_sms_code(client, member):
    send(client, "login", NATIONAL)
    response = client.post("/login/code", data={"phone": NATIONAL, "code": last_code()})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Member).where(Member.id == member.id)).last_login_at


def test_a_disabled_member_cannot_sign_in_by_code(client, member):
    member.status = "disabled"
    db.session.commit()
    send(client, "login", NATIONAL)
    assert db.session.scalar(db.select(VerificationCode)).status == "suppressed"


# --- password reset -----------------------------------------------------------------

@pytest.mark.parametrize("account", [NATIONAL, EMAIL])
def test_reset_the_password_by_sms_or_email_code(client, member, account):
    other_browser_session = MemberSession(member_id=member.id)
    db.session.add(other_browser_session)
    db.session.commit()
    send(client, "reset_password", account)
    code = last_code(PHONE if account == NATIONAL else EMAIL)
    response = client.post("/forgot", data={"account": account, "code": code,
                                            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    db.session.refresh(member)
    assert verify_password(member.password_hash, NEW_PASSWORD)
    db.session.refresh(other_browser_session)
    assert other_browser_session.revoked_at is not None  # signed out everywhere
    assert {n.channel for n in notices()} >= {"sms", "email"}


# --- the account page ---------------------------------------------------------------

@pytest.fixture
def signed_in(client, member):
    client.post("/login", data={"account": NATIONAL, "password": PASSWORD})
    return member


def account_send(client, scene: str, via: str = "phone"):
    response = client.post("/codes/send", data={"scene": scene, "via": via},
                           headers={"Accept": "application/json"}, buffered=True)
    response.close()
    return response


def test_account_pages_need_a_signed_in_member(client):
    assert client.get("/account/phone").status_code == 302
    answer = client.post("/codes/send", data={"scene": "change_phone", "via": "phone"},
                         headers={"Accept": "application/json"})
    assert answer.status_code == 401


# Phone and email changes (two steps: the current destination, then the new one) are
# tested in tests/members/test_account_change.py.


def test_change_the_password_protection(client, signed_in):
    account_send(client, "change_protection")
    response = client.post("/account/protection", data={
        "via": "phone", "code": last_code(), "question": "First pet?", "answer": "Tom  Cat",
        "confirm_answer": "Tom  Cat"})
    assert response.status_code == 302
    db.session.refresh(signed_in)
    assert signed_in.protection_question == "First pet?"
    assert verify_password(signed_in.protection_answer_hash, "tom cat")
    assert notices()


def test_a_change_phone_code_does_not_change_the_email(client, signed_in):
    account_send(client, "change_phone")
    html = page(client.post("/account/email", data={"via": "phone", "code": last_code(),
                                                    "new_email": "x@example.com"}, headers=ZH))
    assert "验证码错误或已失效" in html
    db.session.refresh(signed_in)
    assert signed_in.email == EMAIL


# Each account change: its page, its scene, a valid new value, and what it stores.
ACCOUNT_CHANGES = [
    pytest.param("/account/phone", "change_phone", {"new_phone": "139 0013 9000"},
                 lambda m: m.phone, id="phone"),
    pytest.param("/account/email", "change_email", {"new_email": "new@example.com"},
                 lambda m: m.email, id="email"),
    pytest.param("/account/protection", "change_protection",
                 {"question": "First pet?", "answer": "Tom", "confirm_answer": "Tom"},
                 lambda m: (m.protection_question, m.protection_answer_hash), id="protection"),
]


@pytest.mark.parametrize(("url", "scene", "fields", "stored"), ACCOUNT_CHANGES)
def test_a_wrong_code_changes_nothing_and_sends_no_notice(client, signed_in, url, scene,
                                                          fields, stored):
    before = stored(signed_in)
    account_send(client, scene)
    response = client.post(url, data={"via": "phone", "code": other_code(last_code()),
                                      **fields}, headers=EN)
    assert response.status_code == 200
    assert "The code is wrong or no longer valid" in page(response)
    db.session.refresh(signed_in)
    assert stored(signed_in) == before
    assert notices() == []
    assert db.session.scalar(db.select(InsiteMessage)) is None


@pytest.mark.parametrize(("url", "scene", "fields", "stored"), ACCOUNT_CHANGES)
def test_each_change_page_is_limited_like_every_code_check(client, signed_in, app,
                                                            monkeypatch, url, scene, fields,
                                                            stored):
    monkeypatch.setitem(app.config, "HERALD_CODE_CHECK_RATE", "2 per minute")
    attempt = {"via": "phone", "code": "000000", **fields}
    assert client.get(url).status_code == 200  # showing the page is not a check
    for _ in range(2):
        assert client.post(url, data=attempt).status_code == 200
    assert client.post(url, data=attempt).status_code == 429


def test_sign_out_revokes_the_session(client, signed_in):
    row = db.session.scalar(db.select(MemberSession))
    client.post("/logout")
    db.session.refresh(row)
    assert row.revoked_at is not None
    assert client.get("/account/").status_code == 302


# --- through a provider -------------------------------------------------------------

@pytest.fixture
def smsbao():
    fake = SmsbaoFake("herald", "pw", "api-key-1")
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "smsbao", "sms.smsbao.username": "herald",
                         "sms.smsbao.password": "api-key-1", "sms.smsbao.signature": "Herald",
                         "sms.smsbao.endpoint": server.url})
        yield fake


def test_register_through_a_provider(client, smsbao):
    send(client, "register", NATIONAL)
    [sent] = smsbao.sent
    assert sent["m"] == NATIONAL and sent["c"].startswith("【Herald】")
    code = re.search(r"\d{6}", sent["c"]).group(0)
    row = db.session.scalar(db.select(VerificationCode))
    assert (row.status, row.gateway, row.masked_code) == (CODE_SENT, "smsbao", code[:2] + "****")
    assert client.post("/register", data=register_form(code)).status_code == 302


def test_reset_and_account_change_through_a_provider(client, member, smsbao):
    send(client, "reset_password", NATIONAL)
    code = re.search(r"\d{6}", smsbao.sent[-1]["c"]).group(0)
    client.post("/forgot", data={"account": NATIONAL, "code": code, "password": NEW_PASSWORD,
                                 "confirm": NEW_PASSWORD})
    client.post("/login", data={"account": NATIONAL, "password": NEW_PASSWORD})
    account_send(client, "change_protection")
    code = re.search(r"\d{6}", smsbao.sent[-1]["c"]).group(0)
    response = client.post("/account/protection", data={
        "via": "phone", "code": code, "question": "Q?", "answer": "A1", "confirm_answer": "A1"})
    assert response.status_code == 302
    assert any("密码保护" in sent["c"] for sent in smsbao.sent)  # the notice, by SMS


def test_a_provider_failure_is_logged_with_its_catalog_code(client, smsbao):
    smsbao.force_code = "30"  # SMSBao: wrong password
    answer = send(client, "register", NATIONAL)
    assert answer.get_json()["ok"]  # the member's answer never depends on the gateway
    row = db.session.scalar(db.select(VerificationCode))
    assert (row.status, row.error, row.raw_code) == (CODE_FAILED, "auth_failed", "30")
    assert row.attempt_id is not None
