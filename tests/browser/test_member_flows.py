"""Registration and password reset in a real browser (Debian's headless Chromium).

The app is served from a thread on a free port; the code is read from the log gateway's
Outbox, as a help desk would. Screenshots go to tests/_artifacts/ (and, with
HERALD_SCREENSHOTS=docs, to docs/screenshots/). Fixtures: tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest

from core import settings
from core.passwords import hash_password, verify_password
from extensions import db
from models import Member
from services.codes import captcha
from tests.browser.conftest import shot, wait_for_code

pytestmark = pytest.mark.browser

PHONE = "13800138066"


def send_code(page) -> None:
    page.click("[data-send-code]")
    page.wait_for_selector("[data-send-code-status].text-success")
    assert "秒后重新获取" in page.inner_text("[data-send-code]")  # the countdown runs


def test_register_in_a_browser(page):
    page.goto(page.base + "/register")
    page.fill("#phone", PHONE)
    send_code(page)
    page.fill("#code", wait_for_code("+86" + PHONE))
    page.fill("#password", "Quiet-Meadow-77")
    page.fill("#confirm", "Quiet-Meadow-77")
    page.fill("#qq", "10001")
    page.check("#agree")
    shot(page, "register", docs=True)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    assert "+86" + PHONE in page.inner_text("main")
    shot(page, "register-done")
    db.session.rollback()
    assert db.session.scalar(db.select(Member.phone)) == "+86" + PHONE


def test_reset_the_password_in_a_browser_through_the_captcha(page, monkeypatch):
    # One guess in 256: the same widget and proof of work, solved quickly in the test.
    monkeypatch.setattr(captcha, "KEY_PREFIX", "00")
    settings.update({"member.captcha_mode": "always"})
    db.session.add(Member(phone="+86" + PHONE, password_hash=hash_password("Old-Password-1")))
    db.session.commit()
    page.goto(page.base + "/forgot")
    page.fill("#account", PHONE)
    page.click("altcha-widget input[type=checkbox]", force=True)
    page.wait_for_function(
        "() => (document.querySelector('input[name=altcha]') || {}).value")
    send_code(page)
    page.fill("#code", wait_for_code("+86" + PHONE))
    page.fill("#password", "Quiet-Meadow-77")
    page.fill("#confirm", "Quiet-Meadow-77")
    shot(page, "reset", docs=True)
    page.click("input[type=submit]")
    page.wait_for_url("**/login")
    assert "密码已修改" in page.inner_text("main")
    page.fill("#account", PHONE)
    page.fill("#password", "Quiet-Meadow-77")
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    shot(page, "reset-done")
    db.session.rollback()
    assert verify_password(db.session.scalar(db.select(Member.password_hash)), "Quiet-Meadow-77")
