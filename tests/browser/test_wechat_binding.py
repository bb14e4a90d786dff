"""A member binds and unbinds WeChat in a real browser (Debian's headless Chromium).

The fake official account "scans" the QR code by posting the signed ``subscribe`` event to
the served app's /wechat/callback; the bind page notices by polling and returns to the
account page. Fixtures: tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest

from core import settings
from core.passwords import hash_password
from extensions import db
from models import Member
from services.members.wechat_binding import BOUND, ScanOutcome, reply_text
from tests.browser.conftest import shot
from tests.fakes.httpserver import FakeServer
from tests.fakes.wechat_mp import APP_ID, APP_SECRET, FakeWechatQr
from tests.fakes.wechat_push import FakeOfficialAccount

pytestmark = pytest.mark.browser

PHONE, PASSWORD = "13800138077", "Quiet-Meadow-77"
TOKEN, KEY = "herald2026token", "c2FmZS1tb2RlLWtleS1mb3ItaGVyYWxkLXRlc3RzLTE"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


@pytest.fixture
def wechat(app):
    with FakeServer() as server:
        fake = FakeWechatQr(server)
        settings.update({"wechat.gateway": "mp", "wechat.mp.app_id": APP_ID,
                         "wechat.mp.app_secret": APP_SECRET, "wechat.mp.token": TOKEN,
                         "wechat.mp.encoding_aes_key": KEY, "wechat.mp.endpoint": server.url})
        yield fake


def test_bind_and_unbind_wechat_in_a_browser(page, wechat):
    db.session.add(Member(phone="+86" + PHONE, password_hash=hash_password(PASSWORD)))
    db.session.commit()
    page.goto(page.base + "/login")
    page.fill("#account", PHONE)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/account/")
    assert "未绑定" in page.inner_text("#wechat-binding")

    page.click("[data-wechat-bind]")
    page.wait_for_selector("img.wechat-qr")
    assert page.get_attribute("img.wechat-qr", "src").startswith("data:image/svg+xml")
    shot(page, "wechat-bind", docs=True)
    account = FakeOfficialAccount(TOKEN, APP_ID, KEY)  # safe mode, as the settings say
    reply = account.push_over_http(page.base, account.scan_event(OPENID, wechat.scenes[-1]))
    # The member's language is the site's (zh_CN): the reply says "bound" in it.
    assert account.reply_text(reply.text) == reply_text(ScanOutcome(BOUND))

    page.wait_for_url("**/account/")  # the polling page went back by itself
    page.wait_for_selector('[data-wechat-state="bound"]')
    assert "o6_b…fL2M" in page.inner_text("#wechat-binding")
    shot(page, "wechat-bound")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-wechat-unbind]")
    page.wait_for_selector('[data-wechat-state="unbound"]')
    db.session.rollback()
    assert db.session.scalar(db.select(Member.wechat_openid)) == ""
