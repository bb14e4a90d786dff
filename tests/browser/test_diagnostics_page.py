"""System → Diagnostics in a real browser at 1280 px, in Chinese and English: the templates
family lists one heading per event with that event's channel rows under it, each failure
with its catalog code and fix, and the page never scrolls sideways.

Screenshots: tests/_artifacts/admin-diagnostics-groups-{zh,en}.png (full page).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in
from tests.diagnostics.helpers import EVENT, ROWS, TITLES, empty_email_template

pytestmark = pytest.mark.browser

FIX_LABEL = {"zh_CN": "处理方法", "en": "Fix"}


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
    sign_in(page, admin)

    page.goto(page.base + "/admin/diagnostics/")
    check_groups(page, "zh_CN")
    shot(page, "admin-diagnostics-groups-zh")

    page.click(".language-switch button[value=en]")
    page.wait_for_url("**/admin/diagnostics/")
    check_groups(page, "en")
    shot(page, "admin-diagnostics-groups-en")
