"""Browser tests: the session app served from a thread, driven by Debian's headless Chromium.

Screenshots always go to ``tests/_artifacts/``. With ``HERALD_SCREENSHOTS=docs`` the ones
the README shows are also copied to ``docs/screenshots/`` (a normal run leaves the tracked
files alone).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core import crypto, settings
from extensions import db
from models import OutboxMessage
from services.notify import events
from services.templates import store as template_store
from tests.conftest import ADMIN_PASSWORD, ROOT
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "_artifacts"
DOCS = ROOT / "docs" / "screenshots"
KEY_ID, KEY_SECRET = "LTAI5tBrowserTest", "browser-test-secret-0123456789"
# Alibaba template codes of the code scenes (the provider sends templates, not text).
TEMPLATE_CODES = {"register": "SMS_600001", "login": "SMS_600002",
                  "reset_password": "SMS_600003", "admin_login": "SMS_600004",
                  "operation_protection": "SMS_600005"}


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (CI does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def open_page(browser, server: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  extra_http_headers={"Accept-Language": "zh-CN"})
    page = context.new_page()
    page.set_default_timeout(30000)  # a busy CI box is slow, not broken
    page.base = server
    return page


@pytest.fixture
def page(browser, server):
    """A phone-sized browser (member pages)."""
    return open_page(browser, server, 390, 844)


@pytest.fixture
def desktop(browser, server):
    """A 1280 × 800 browser (admin pages and the README's screenshots)."""
    return open_page(browser, server, 1280, 800)


def shot(page, name: str, docs: bool = False, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    if docs and os.environ.get("HERALD_SCREENSHOTS") == "docs":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")
    return path


def fill_admin_login(page, admin) -> None:
    """Open the admin sign-in page and type the admin's username and password."""
    page.goto(page.base + "/admin/login")
    page.fill("#username", admin.username)
    page.fill("#password", ADMIN_PASSWORD)


def sign_in(page, admin) -> None:
    """Sign the admin in (no sign-in code asked) and land on the dashboard."""
    fill_admin_login(page, admin)
    page.click("[type=submit]")
    page.wait_for_url("**/admin/")


def outbox_code(destination: str, after: int = 0, timeout: float = 30.0) -> tuple[str, int]:
    """The newest code the log gateway "sent" to ``destination`` in an Outbox row newer
    than ``after``, and that row's id (delivery may run after the answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        row = db.session.scalar(db.select(OutboxMessage).where(
            OutboxMessage.destination == destination, OutboxMessage.id > after)
            .order_by(OutboxMessage.id.desc()))
        if row is not None:
            return re.search(r"\d{6}", crypto.decrypt(row.content)).group(0), row.id
        time.sleep(0.1)
    raise AssertionError(f"no code reached the Outbox for {destination}")


def wait_for_code(destination: str, timeout: float = 30.0) -> str:
    return outbox_code(destination, timeout=timeout)[0]


class Provider:
    """The fake Alibaba endpoint, and the codes it received."""

    def __init__(self, server: FakeServer, fake: AliyunFake) -> None:
        self.server, self.fake = server, fake

    def code(self, phone: str, scene: str, timeout: float = 30.0) -> str:
        national = phone.removeprefix("+86")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for sent in reversed(list(self.fake.sent)):
                if sent["PhoneNumbers"] == national and \
                        sent["TemplateCode"] == TEMPLATE_CODES[scene]:
                    return json.loads(sent["TemplateParam"])["code"]
            time.sleep(0.1)
        raise AssertionError(f"the provider received no {scene} code for {phone}")


def alibaba_settings(url: str) -> dict:
    return {"sms.aliyun.endpoint": url + "/", "sms.aliyun.access_key_id": KEY_ID,
            "sms.aliyun.access_key_secret": KEY_SECRET, "sms.aliyun.sign_name": "Herald"}


@pytest.fixture
def provider(app):
    """Alibaba's fake on a local port, with template codes for every code scene.

    Which gateway is active is up to the test."""
    fake = AliyunFake({KEY_ID: KEY_SECRET})
    with FakeServer(fake) as fake_server:
        for scene, code in TEMPLATE_CODES.items():
            for locale in ("zh_CN", "en"):
                template_store.save(events.get(scene), "sms", locale, {
                    "text": "验证码 {{ code }}", "template_code": code,
                    "params": {"code": "{{ code }}"}})
        yield Provider(fake_server, fake)


@pytest.fixture
def alibaba(provider):
    """The fake Alibaba endpoint as the active SMS gateway."""
    settings.update({"sms.gateway": "aliyun", **alibaba_settings(provider.server.url)})
    return provider
