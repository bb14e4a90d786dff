"""System → Diagnostics in a real browser at 1280 px, in Chinese and English: the templates
family lists one heading per event with that event's channel rows under it, each failure
with its catalog code and fix, and the page never scrolls sideways.

Screenshots: tests/_artifacts/admin-diagnostics-groups-{zh,en}.png (full page).
"""

from __future__ import annotations

import pytest

from extensions import db
from models import MessageTemplate
from services import rendering
from tests.browser.conftest import shot
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

EVENT = "baremetal_autorenew_failed"  # SMS, email and in-site on by default (seed 001)
TITLES = {"zh": "裸金属服务器自动续费失败通知", "en": "Bare-metal auto-renewal failed"}
ROWS = {"zh": ["短信模板", "邮件模板"], "en": ["SMS template", "Email template"]}
FIX_LABEL = {"zh": "处理方法", "en": "Fix"}


def empty_email_template(event: str) -> None:
    """An email template without a body, as a hand-edited database could hold it."""
    for locale in ("zh_CN", "en"):
        db.session.add(MessageTemplate(purpose=event, channel="email", locale=locale,
                                       subject="x", text="", html=""))
    db.session.commit()
    rendering.forget_stored()


def check_groups(page, language: str) -> None:
    headings = page.locator("#family-templates .check-group h3").all_inner_texts()
    assert len(headings) > 3 and len(headings) == len(set(headings)), headings
    assert sum(TITLES[language] in h for h in headings) == 1, headings
    group = page.locator(f"#family-templates .check-group[data-group={EVENT}]")
    rows = group.locator(".check-result")
    assert rows.count() == 2
    for index, (label, code) in enumerate(zip(
            ROWS[language], ("template_number_missing", "template_missing"), strict=True)):
        row = rows.nth(index)
        assert row.is_visible()
        text = row.inner_text()
        assert label in text and code in text and FIX_LABEL[language] in text, text
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_template_checks_are_grouped_by_event_in_both_languages(desktop, alibaba, admin):
    empty_email_template(EVENT)
    page = desktop  # 1280 × 800, Chinese
    page.goto(page.base + "/admin/login")
    page.fill("#username", admin.username)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url("**/admin/")

    page.goto(page.base + "/admin/diagnostics/")
    check_groups(page, "zh")
    shot(page, "admin-diagnostics-groups-zh")

    page.click(".language-switch button[value=en]")
    page.wait_for_url("**/admin/diagnostics/")
    check_groups(page, "en")
    shot(page, "admin-diagnostics-groups-en")
