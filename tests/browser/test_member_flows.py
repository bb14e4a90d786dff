"""Registration and password reset in a real browser (Debian's headless Chromium).

The app is served from a thread on a free port; the code is read from the log gateway's
Outbox, as a help desk would. Screenshots go to tests/_artifacts/ and, for the docs,
docs/screenshots/.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core import crypto, settings
from core.passwords import hash_password, verify_password
from extensions import db
from models import Member, OutboxMessage
from services import captcha
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "_artifacts"
DOCS = ROOT / "docs" / "screenshots"
PHONE = "13800138066"


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (CI does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                      extra_http_headers={"Accept-Language": "zh-CN"})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base = server
        yield page
        browser.close()


def shot(page, name: str, docs: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs:
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")


def wait_for_code(destination: str, timeout: float = 10.0) -> str:
    """The newest code the log gateway "sent" to ``destination`` (sent after the answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        row = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.destination == destination).order_by(OutboxMessage.id.desc()))
        if row is not None:
            return re.search(r"\d{6}", crypto.decrypt(row.content)).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no code reached the Outbox for {destination}")


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
