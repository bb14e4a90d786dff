"""Changing the bound phone in a real browser (Debian's headless Chromium): a code to the
current phone, then a code to the new one, both read from the log gateway's Outbox as a
help desk would; the old phone gets the notice. Fixtures: tests/browser/conftest.py."""

from __future__ import annotations

import pytest

from core import crypto
from core.passwords import hash_password
from extensions import db
from models import Member, OutboxMessage
from tests.browser.conftest import outbox_code, shot

pytestmark = pytest.mark.browser

OLD, NEW = "+8613800138077", "+8613900139077"
PASSWORD = "Quiet-Meadow-77"


def send_code(page) -> None:
    page.click("[data-send-code]")
    page.wait_for_selector("[data-send-code-status].text-success")
    assert "秒后重新获取" in page.inner_text("[data-send-code]")  # the countdown runs


def test_change_the_phone_with_both_codes_in_a_browser(page):
    db.session.add(Member(phone=OLD, password_hash=hash_password(PASSWORD)))
    db.session.commit()
    page.goto(page.base + "/login")
    page.fill("#account", OLD.removeprefix("+86"))
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")

    page.click("a[href='/account/phone']")
    page.wait_for_url("**/account/phone")
    send_code(page)  # to the current phone, the only destination offered
    code, _row = outbox_code(OLD)
    page.fill("#code", code)
    shot(page, "change-phone-step-1")
    page.click("input[type=submit]")

    page.wait_for_url("**/account/phone/new")
    page.fill("#new_phone", NEW.removeprefix("+86"))
    send_code(page)  # to the phone just typed
    page.fill("#code", outbox_code(NEW)[0])
    shot(page, "change-phone-step-2")
    page.click("input[type=submit]")

    page.wait_for_url("**/account/")
    assert NEW in page.inner_text("main")
    shot(page, "change-phone-done")
    db.session.rollback()
    assert db.session.scalar(db.select(Member.phone)) == NEW
    notice = db.session.scalar(db.select(OutboxMessage).where(
        OutboxMessage.destination == OLD, OutboxMessage.purpose == "account_changed"))
    assert notice is not None and "绑定手机" in crypto.decrypt(notice.content)
