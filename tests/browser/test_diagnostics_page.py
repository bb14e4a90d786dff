"""System → Diagnostics in a real browser at 1280 px, in Chinese and English: the templates
family folds the same failure on many events into one entry with a count, keeps what differs
under its event's heading, shows each failure with its catalog code and fix, and the page never
scrolls sideways.

Screenshots: tests/_artifacts/admin-diagnostics-groups-{zh,en}.png (full page).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in
from tests.diagnostics.helpers import EVENT, ROWS, TITLES, empty_email_template

pytestmark = pytest.mark.browser

FIX_LABEL = {"zh_CN": "处理方法", "en": "Fix"}


def check_groups(page, language: str) -> None:
    # The same failure on every SMS template is one entry with a count, listing its events.
    merged = page.locator('#family-templates [data-code="template_number_missing"]')
    assert merged.count() == 1 and merged.is_visible()
    count = int(merged.get_attribute("data-count"))
    text = merged.inner_text()
    assert count > 3 and f"× {count}" in text and FIX_LABEL[language] in text, text
    # What differs stays apart, under its event's heading.
    headings = page.locator("#family-templates .check-group h3").all_inner_texts()
    assert len(headings) == len(set(headings)), headings
    assert sum(TITLES[language] in h for h in headings) == 1, headings
    group = page.locator(f"#family-templates .check-group[data-group={EVENT}]")
    rows = group.locator(".check-result")
    assert rows.count() == 1
    row = rows.nth(0)
    assert row.is_visible()
    text = row.inner_text()
    assert ROWS[language][1] in text and "template_missing" in text, text
    assert FIX_LABEL[language] in text, text
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
