"""The verification-code log fits the screen: at 1280 px its ten columns (seed 000's) fit
without scrolling sideways, in both languages, also with a long raw provider answer opened;
on a phone only the table scrolls inside its frame, never the page.

Screenshots: tests/_artifacts/admin-code-log-remarks*.png.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from extensions import db
from models import DeliveryAttempt, VerificationCode
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

# What Alibaba answers for an unapproved template: long, with an unbreakable URL at the end.
LONG_RAW = ("该账号下找不到对应模板或模板未审核通过。The specified TemplateCode SMS_600001 was not "
            "found under this account or its review status is not approved; check the template "
            "code and the RAM policy of the AccessKey. RequestId: 8A7C1E2F-3B4D-5E6F-7081-"
            "92A3B4C5D6E7 Recommend: https://api.aliyun.com/troubleshoot?q=isv.SMS_TEMPLATE_"
            "ILLEGAL&product=Dysmsapi&requestId=8A7C1E2F-3B4D-5E6F-7081-92A3B4C5D6E7")
WIDTHS = """() => ({page: document.documentElement.scrollWidth, viewport: innerWidth,
    table: document.querySelector('.table-responsive').scrollWidth,
    frame: document.querySelector('.table-responsive').clientWidth})"""


def seed_log() -> None:
    """A failed Alibaba send, a sent one, a refused code_limit one, and the widest cells."""
    now = clock.now()
    failed = DeliveryAttempt(channel="sms", gateway="aliyun", destination="+8613800138021",
                             purpose="register", status="failed", error="content_rejected",
                             raw_code="isv.SMS_TEMPLATE_ILLEGAL", raw_message=LONG_RAW)
    sent = DeliveryAttempt(channel="sms", gateway="aliyun", destination="+8613800138022",
                           purpose="login", status="sent", message_id="900619^0")
    db.session.add_all([failed, sent])
    db.session.flush()
    common = {"channel": "sms", "code_hint": "58", "code_length": 6, "ip": "203.0.113.45",
              "expires_at": now + timedelta(minutes=5)}
    # Seven-digit ids, as in a log of a million rows (the ID column widens with them).
    rows = [
        VerificationCode(scene="register", destination=failed.destination, status="failed",
                         gateway="aliyun", error="content_rejected", raw_code=failed.raw_code,
                         raw_message=LONG_RAW, attempt_id=failed.id, **common),
        VerificationCode(scene="login", destination=sent.destination, status="sent",
                         gateway="aliyun", code_hash="0" * 64, attempt_id=sent.id, **common),
        VerificationCode(scene="operation_protection", destination="+8613800138023",
                         status="refused", gateway="-", error="code_limit", **common),
        VerificationCode(scene="reset_password", destination="+8613800138024",
                         status="suppressed", gateway="-",
                         **{**common, "ip": "2001:db8:85a3::8a2e:370:7334"}),
        VerificationCode(scene="reset_password", channel="email", code_length=6,
                         destination="zhang.wei.long-address@example-hosting.com.cn",
                         status="failed", gateway="smtp", error="invalid_email", raw_code="550",
                         raw_message="5.1.1 Recipient address rejected: User unknown",
                         expires_at=now),
    ]
    for number, row in enumerate(rows, start=1_234_567):
        row.id = number
    db.session.add_all(rows)
    db.session.commit()


def assert_fits(page) -> None:
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"], widths
    assert widths["table"] <= widths["frame"], widths


def test_the_code_log_fits_1280_px_and_only_its_table_scrolls_on_a_phone(desktop, admin):
    seed_log()
    page = desktop
    sign_in(page, admin)
    page.goto(page.base + "/admin/logs/codes")
    assert_fits(page)
    summary = page.locator(".raw-text summary")
    assert summary.get_attribute("title") == LONG_RAW
    assert not page.locator(".raw-full").is_visible()
    summary.click()
    assert page.locator(".raw-full").inner_text() == LONG_RAW
    assert not page.locator(".raw-preview").is_visible()
    assert_fits(page)
    page.evaluate("scrollTo(0, 0)")  # a full-page shot of a scrolled page repeats the navbar
    shot(page, "admin-code-log-remarks")

    page.click(".language-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert_fits(page)
    shot(page, "admin-code-log-remarks-en")

    page.set_viewport_size({"width": 390, "height": 844})
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"], widths
