"""Site → Reseller clients and reseller templates: keys shown once, quota, access, audit."""

from __future__ import annotations

import hashlib
import re

import pytest

from core import crypto
from core.admins import make_admin
from extensions import db
from models import (
    ROLE_OPERATOR,
    ApiClient,
    AuditEntry,
    DeliveryAttempt,
    ReplayKey,
    ResellerAccount,
    ResellerTemplate,
)
from models.api_client import NONCES
from tests.conftest import ADMIN_PASSWORD
from tests.reseller.conftest import body, make_reseller, post

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}
NEW = {"client_id": "acme-01", "name": "ACME hosting", "quota": "100",
       "allowed_countries": "cn, hk", "rate_per_minute": "30"}


@pytest.fixture
def signed_in(client, auth):
    """Signed in, with the operation-protection window open (a code was just confirmed)."""
    auth.login()
    auth.confirm_protection()
    return client


@pytest.fixture
def unconfirmed(client, auth):
    auth.login()
    return client


def audit_actions() -> list[str]:
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def shown(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]+)<', html).group(1)


def test_create_shows_the_keys_once_and_stores_them_safely(signed_in, template):
    response = signed_in.post("/admin/resellers/new",
                              data={**NEW, "allowed_templates": ["1001"]}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    api_key, sign_key = shown(html, "api-key"), shown(html, "sign-key")
    client = db.session.scalar(db.select(ApiClient))
    assert (client.client_id, client.kind, client.name) == ("acme-01", "reseller", "ACME hosting")
    assert client.api_key_hash == hashlib.sha256(api_key.encode()).hexdigest()
    assert sign_key not in client.sign_key and crypto.decrypt(client.sign_key) == sign_key
    account = db.session.scalar(db.select(ResellerAccount))
    assert (account.quota, account.allowed_templates, account.allowed_countries,
            account.rate_per_minute) == (100, ["1001"], ["CN", "HK"], 30)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "reseller.create"))
    assert api_key not in str(entry.changes) and sign_key not in str(entry.changes)
    page = signed_in.get(f"/admin/resellers/{account.id}").get_data(as_text=True)
    assert api_key not in page and sign_key not in page


def test_the_new_form_suggests_a_free_member_id(signed_in):
    html = signed_in.get("/admin/resellers/new", headers=ZH).get_data(as_text=True)
    assert re.search(r'name="client_id"[^>]*value="r\d{8}"', html)
    assert "会员ID" in html


@pytest.mark.parametrize("change, message", [
    ({"client_id": "bad id!"}, "Letters, digits"),
    ({"client_id": "newline\n"}, "Letters, digits"),
    ({"allowed_countries": "CN, XX"}, "Unknown country code: XX"),
    ({"quota": "-1"}, "Number must be"),
    ({"allowed_templates": ["nope"]}, "is not a valid choice"),
])
def test_create_refuses_bad_input_inline(signed_in, change, message):
    response = signed_in.post("/admin/resellers/new", data={**NEW, **change}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "is-invalid" in html and message in html
    assert "invalid_input" in html
    assert db.session.scalar(db.select(ApiClient)) is None


def test_a_member_id_is_taken_once(signed_in, reseller):
    html = signed_in.post("/admin/resellers/new", data={**NEW, "client_id": "r10000001"},
                          headers=EN).get_data(as_text=True)
    assert "This member ID is taken." in html


def test_the_list_shows_usage_and_searches(signed_in, reseller, api):
    post(api, reseller[1], body())
    make_reseller(client_id="other-1", quota=0)
    html = signed_in.get("/admin/resellers/", headers=ZH).get_data(as_text=True)
    assert "r10000001" in html and "other-1" in html and "共 2 条" in html
    row = html[html.find("r10000001"):][:600]
    assert ">4<" in row and ">1<" in row  # quota left, sent
    found = signed_in.get("/admin/resellers/?q=other").get_data(as_text=True)
    assert "other-1" in found and "r10000001" not in found


def test_operators_read_but_cannot_change(client, reseller):
    make_admin("ops", ADMIN_PASSWORD, role=ROLE_OPERATOR)
    client.post("/admin/login", data={"username": "ops", "password": ADMIN_PASSWORD})
    account = reseller[0]
    assert client.get("/admin/resellers/").status_code == 200
    assert client.get("/admin/resellers/new").status_code == 403
    assert client.post(f"/admin/resellers/{account.id}/quota", data={"delta": "5"}
                       ).status_code == 403
    assert client.post(f"/admin/resellers/{account.id}", data={"rate_per_minute": "5"}
                       ).status_code == 403
    assert client.post("/admin/resellers/templates/new", data={}).status_code == 403


def test_edit_saves_and_audits(signed_in, reseller, template):
    account = reseller[0]
    response = signed_in.post(f"/admin/resellers/{account.id}", data={
        "name": "Renamed", "allowed_templates": ["1001"], "allowed_countries": "HK",
        "rate_per_minute": "10"})
    assert response.status_code == 302
    db.session.refresh(account)
    assert (account.client.name, account.allowed_templates, account.allowed_countries,
            account.rate_per_minute) == ("Renamed", ["1001"], ["HK"], 10)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "reseller.update"))
    assert entry.changes["rate_per_minute"] == [60, 10]


def test_quota_is_adjusted_and_never_below_zero(signed_in, reseller):
    account = reseller[0]
    assert signed_in.post(f"/admin/resellers/{account.id}/quota", data={"delta": "10"}
                          ).status_code == 302
    html = signed_in.post(f"/admin/resellers/{account.id}/quota", data={"delta": "-16"},
                          headers=EN).get_data(as_text=True)
    assert "The quota cannot go below 0." in html
    db.session.refresh(account)
    assert account.quota == 15
    assert audit_actions().count("reseller.quota") == 1


def test_disable_and_enable(signed_in, reseller, api):
    account, credentials = reseller
    signed_in.post(f"/admin/resellers/{account.id}/active", data={"active": "0"})
    assert post(api, credentials, body()).get_json()["code"] == "client_disabled"
    signed_in.post(f"/admin/resellers/{account.id}/active", data={"active": "1"})
    assert post(api, credentials, body()).get_json()["code"] == "ok"
    assert audit_actions()[-2:] == ["reseller.disable", "reseller.enable"]


def test_reset_keys_replaces_both_keys(signed_in, reseller, api):
    account, old = reseller
    html = signed_in.post(f"/admin/resellers/{account.id}/reset-keys").get_data(as_text=True)
    assert post(api, old, body()).get_json()["code"] == "auth_failed"
    from services.reseller.clients import Credentials

    new = Credentials(old.client_id, shown(html, "api-key"), shown(html, "sign-key"))
    assert post(api, new, body()).get_json()["code"] == "ok"
    assert "reseller.reset_keys" in audit_actions()


def test_delete_keeps_the_log_rows_without_the_client(signed_in, reseller, api):
    account, credentials = reseller
    post(api, credentials, body())
    page = signed_in.get(f"/admin/resellers/{account.id}").get_data(as_text=True)
    assert re.search(r'action="/admin/resellers/\d+/delete"[^>]*data-confirm=', page)
    assert signed_in.post(f"/admin/resellers/{account.id}/delete").status_code == 302
    assert db.session.scalar(db.select(ApiClient)) is None
    assert db.session.scalar(db.select(ReplayKey).where(ReplayKey.namespace == NONCES)) is None
    [attempt] = db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "reseller:1001")).all()
    assert attempt.api_client_id is None
    assert "reseller.delete" in audit_actions()


def test_usage_page_lists_the_clients_sends_with_the_fix(signed_in, reseller, api):
    account, credentials = reseller
    post(api, credentials, body())
    failed = DeliveryAttempt(channel="sms", gateway="aliyun", destination="+8613900139000",
                             purpose="reseller:1001", status="failed",
                             error="insufficient_balance", raw_code="isv.AMOUNT_NOT_ENOUGH",
                             api_client_id=account.api_client_id)
    other = DeliveryAttempt(channel="sms", gateway="log", destination="+8613700137000",
                            purpose="register", status="sent")
    db.session.add_all([failed, other])
    db.session.commit()
    html = signed_in.get(f"/admin/resellers/{account.id}/usage", headers=ZH).get_data(as_text=True)
    assert "+8613800138000" in html and "+8613900139000" in html
    assert "+8613700137000" not in html
    assert "短信余额不足" in html and "在短信商处充值" in html and "isv.AMOUNT_NOT_ENOUGH" in html


def test_templates_are_created_with_their_variables(signed_in):
    response = signed_in.post("/admin/resellers/templates/new", data={
        "number": "3001", "name": "Renewal", "content": "{{ server }} 将于 {{ date }} 到期",
        "provider_template_code": "SMS_1", "enabled": "y"})
    assert response.status_code == 302
    row = db.session.scalar(db.select(ResellerTemplate))
    assert (row.number, row.variables, row.enabled) == ("3001", ["date", "server"], True)
    html = signed_in.get("/admin/resellers/templates", headers=ZH).get_data(as_text=True)
    assert "3001" in html and "<code class=\"me-1\">server</code>" in html
    assert "reseller_template.create" in audit_actions()


@pytest.mark.parametrize("content, reason", [
    ("{{ code ", "line 1"),
    ("{{ ''.__class__.__mro__ }}", "unsafe"),
    ("{{ code.__class__ }}", "unsafe"),
    ("{{ bad-name }}", ""),
])
def test_templates_that_cannot_be_used_are_refused(signed_in, content, reason):
    response = signed_in.post("/admin/resellers/templates/new", data={
        "number": "3002", "name": "x", "content": content}, headers=EN)
    html = response.get_data(as_text=True)
    assert "The template cannot be used" in html and reason in html
    assert db.session.scalar(db.select(ResellerTemplate)) is None


def test_editing_a_template_keeps_its_number_and_updates_variables(signed_in, template):
    response = signed_in.post(f"/admin/resellers/templates/{template.id}", data={
        "number": "9999", "name": "Code", "content": "验证码 {{ code }}", "enabled": "y"})
    assert response.status_code == 302
    db.session.refresh(template)
    assert (template.number, template.variables) == ("1001", ["code"])
    taken = signed_in.post("/admin/resellers/templates/new", data={
        "number": "1001", "name": "x", "content": "x"}, headers=EN).get_data(as_text=True)
    assert "This template number is taken." in taken


def test_deleting_a_template(signed_in, template):
    page = signed_in.get(f"/admin/resellers/templates/{template.id}").get_data(as_text=True)
    assert "data-confirm" in page
    signed_in.post(f"/admin/resellers/templates/{template.id}/delete")
    assert db.session.scalar(db.select(ResellerTemplate)) is None
    assert "reseller_template.delete" in audit_actions()


def test_pages_render_in_both_languages(signed_in, reseller, template):
    account = reseller[0]
    for path in ("/admin/resellers/", "/admin/resellers/new", f"/admin/resellers/{account.id}",
                 f"/admin/resellers/{account.id}/usage", "/admin/resellers/templates",
                 "/admin/resellers/templates/new", f"/admin/resellers/templates/{template.id}"):
        zh = signed_in.get(path, headers=ZH).get_data(as_text=True)
        en = signed_in.get(path, headers=EN).get_data(as_text=True)
        assert "代理客户" in zh and "Reseller clients" in en, path


def test_the_outbox_shows_the_reseller_and_links_to_its_usage(signed_in, reseller, api):
    account, credentials = reseller
    post(api, credentials, body())
    html = signed_in.get("/admin/outbox/").get_data(as_text=True)
    link = re.search(r'<a class="badge[^"]*reseller-badge" href="([^"]+)"[^>]*>.*?r10000001',
                     html, re.S)
    assert link, html
    response = signed_in.get(link.group(1))
    assert response.headers["Location"].endswith(f"/admin/resellers/{account.id}/usage")
    assert signed_in.get("/admin/resellers/by-client/999").status_code == 404


def test_every_change_waits_for_operation_protection(unconfirmed, reseller, template):
    account = reseller[0]
    for url, data in [
        ("/admin/resellers/new", NEW),
        (f"/admin/resellers/{account.id}", {"name": "x", "rate_per_minute": "5"}),
        (f"/admin/resellers/{account.id}/quota", {"delta": "5"}),
        (f"/admin/resellers/{account.id}/active", {"active": "0"}),
        (f"/admin/resellers/{account.id}/reset-keys", {}),
        (f"/admin/resellers/{account.id}/delete", {}),
        ("/admin/resellers/templates/new", {"number": "5", "name": "x", "content": "x"}),
        (f"/admin/resellers/templates/{template.id}", {"name": "x", "content": "y"}),
        (f"/admin/resellers/templates/{template.id}/delete", {}),
    ]:
        response = unconfirmed.post(url, data=data)
        assert "/admin/confirm/" in response.headers.get("Location", ""), url
    db.session.refresh(account)
    assert (account.quota, account.client.active, account.client.name) == (
        5, True, "Downstream Ltd")
    assert [a for a in audit_actions() if a.startswith("reseller")] == ["reseller.create"]


def test_a_confirmed_code_creates_the_client_and_shows_the_keys(unconfirmed):
    from tests.test_protection import last_code

    confirm_url = unconfirmed.post("/admin/resellers/new", data=NEW).headers["Location"]
    unconfirmed.post(f"{confirm_url}/send", data={"channel": "sms"})
    response = unconfirmed.post(confirm_url, data={"code": last_code(), "confirm": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    api_key = shown(html, "api-key")
    client = db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == "acme-01"))
    assert client.api_key_hash == hashlib.sha256(api_key.encode()).hexdigest()
