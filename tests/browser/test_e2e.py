"""End to end in a real browser: what a member and an admin do, through every layer.

The app is served from a thread; Debian's headless Chromium drives it at 1280 × 800.

- A member registers with the code the (fake) Alibaba endpoint received, signs in by
  code, and resets the password by code.
- An admin signs in with a password and an SMS code, switches the SMS gateway from the
  built-in ``log`` to Alibaba under operation protection (the confirmation code read from
  the Outbox, as the log gateway leaves it), edits a template and test-sends it to the
  provider, then reads the code log, the Outbox and Diagnostics.

Every page visited is saved under tests/_artifacts/; with ``HERALD_SCREENSHOTS=docs``
also under docs/screenshots/, where the README shows them.
"""

from __future__ import annotations

import pytest

from core import settings
from extensions import db
from models import Admin, Member
from tests.browser.conftest import KEY_ID, KEY_SECRET, fill_admin_login, outbox_code, shot

pytestmark = pytest.mark.browser

PHONE = "+8613800138071"
NATIONAL = PHONE.removeprefix("+86")
PASSWORD, NEW_PASSWORD = "Quiet-Meadow-77", "Amber-Lantern-84"
ADMIN_PHONE = "+8613800138000"  # the ``admin`` fixture's


def send_code(page) -> None:
    page.click("[data-send-code]")
    page.wait_for_selector("[data-send-code-status].text-success")


def sign_out_member(page) -> None:
    page.click("form[action='/logout'] [type=submit]")
    page.wait_for_url("**/login")


def test_a_member_registers_signs_in_by_code_and_resets_the_password(desktop, alibaba):
    page = desktop
    page.goto(page.base + "/register")
    page.fill("#phone", NATIONAL)
    send_code(page)
    page.fill("#code", alibaba.code(PHONE, "register"))
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.fill("#qq", "10001")
    page.check("#agree")
    shot(page, "member-register", docs=True)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    shot(page, "member-account", docs=True)
    sign_out_member(page)

    page.goto(page.base + "/login/code")
    page.fill("#phone", NATIONAL)
    send_code(page)
    page.fill("#code", alibaba.code(PHONE, "login"))
    shot(page, "member-login-code", docs=True)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    sign_out_member(page)

    page.goto(page.base + "/forgot")
    page.fill("#account", NATIONAL)
    send_code(page)
    page.fill("#code", alibaba.code(PHONE, "reset_password"))
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    shot(page, "member-reset", docs=True)
    page.click("input[type=submit]")
    page.wait_for_url("**/login")
    page.fill("#account", NATIONAL)
    page.fill("#password", NEW_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    db.session.rollback()
    assert db.session.scalar(db.select(Member.phone)) == PHONE
    assert {s["TemplateCode"] for s in alibaba.fake.sent} == {
        "SMS_600001", "SMS_600002", "SMS_600003"}


def sign_in_with_code(page, admin) -> int:
    """Password, then the admin_login code from the Outbox; returns that Outbox row's id."""
    fill_admin_login(page, admin)
    shot(page, "admin-login", docs=True, full_page=False)
    page.click("[type=submit]")
    page.wait_for_url("**/admin/login/code")
    page.click("form[action$='/login/code/send'] [type=submit]")
    page.wait_for_selector(".alert-success")
    code, outbox_id = outbox_code(ADMIN_PHONE)
    page.fill("#code", code)
    shot(page, "admin-login-code", docs=True, full_page=False)
    page.click("button[name=confirm]")
    page.wait_for_url("**/admin/")
    return outbox_id


def switch_to_alibaba(page, provider, seen: int) -> None:
    """SMS tab: choose Alibaba, enter its keys, save; confirm with a code from the Outbox."""
    page.goto(page.base + "/admin/settings/sms")
    page.select_option("#sms__gateway", "aliyun")
    page.fill("#sms__aliyun__access_key_id", KEY_ID)
    page.fill("#sms__aliyun__access_key_secret", KEY_SECRET)
    page.fill("#sms__aliyun__sign_name", "Herald")
    page.fill("#sms__aliyun__endpoint", provider.server.url + "/")
    # A viewport shot: a full-page one pins the sticky "Save settings" bar mid-page.
    page.locator("#sms__aliyun__sign_name").scroll_into_view_if_needed()
    shot(page, "admin-sms-settings", docs=True, full_page=False)
    page.click("form.settings-form [type=submit], button:has-text('保存设置')")
    page.wait_for_url("**/admin/confirm/**")
    page.click("form[action*='/send'] [type=submit]")
    page.wait_for_selector(".alert-success")
    code, _ = outbox_code(ADMIN_PHONE, after=seen)
    page.fill("#code", code)
    shot(page, "admin-protection-confirm", docs=True, full_page=False)
    page.click("button[name=confirm]")
    page.wait_for_url("**/admin/settings/sms**")
    shot(page, "admin-sms-saved", full_page=False)
    # This test's own memo and read snapshot (MariaDB's repeatable read) predate the save.
    db.session.rollback()
    settings.invalidate()
    assert settings.get("sms.gateway") == "aliyun"


def edit_and_test_send(page, provider) -> None:
    page.goto(page.base + "/admin/templates/")
    shot(page, "admin-templates", docs=True, full_page=False)
    page.goto(page.base + "/admin/templates/server_opened/sms/zh_CN")
    page.fill("#text", "您的服务器 {{ server_name }} 已开通，到期 {{ expires_at }}。")
    page.fill("#template_code", "SMS_700010")
    page.fill("#params", "name = {{ server_name }}\nexpires = {{ expires_at }}")
    page.click("#save")
    page.wait_for_selector(".alert-success")
    page.fill("#destination", ADMIN_PHONE.removeprefix("+86"))
    page.click("#test")
    page.wait_for_selector(".send-result")
    shot(page, "admin-template-test-send", docs=True)
    assert "alert-success" in page.get_attribute(".send-result", "class")
    [sent] = [s for s in provider.fake.sent if s["TemplateCode"] == "SMS_700010"]
    assert sent["PhoneNumbers"] == "13800138000" and "hk-web-01" in sent["TemplateParam"]


def test_an_admin_signs_in_by_code_and_changes_the_gateway_under_protection(
        desktop, provider, admin):
    admin.login_code = True
    db.session.commit()
    page = desktop
    seen = sign_in_with_code(page, db.session.get(Admin, admin.id))
    shot(page, "admin-home", docs=True, full_page=False)
    switch_to_alibaba(page, provider, seen)
    edit_and_test_send(page, provider)
    pages = {"admin-code-log": ("/admin/logs/codes", "operation_protection"),
             "admin-outbox": ("/admin/outbox/", "admin_login"),
             "admin-diagnostics": ("/admin/diagnostics/", "aliyun")}
    for name, (path, expected) in pages.items():
        response = page.goto(page.base + path)
        assert response.status == 200, path
        assert expected in page.inner_text("main"), (path, expected)
        shot(page, name, docs=True, full_page=False)
        shot(page, name + "-full")
