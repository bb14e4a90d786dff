"""The templates family on the Diagnostics page: one heading per event, in the user's
language, with that event's channel rows under it; every failure keeps its code and fix."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from core import catalog
from services.diagnostics.result import CheckResult, by_group
from tests.diagnostics.helpers import EN, EVENT, ROWS, TITLES, ZH, empty_email_template, page


def family(html: str, name: str) -> str:
    return html.split(f'id="family-{name}"', 1)[1].split("</section>", 1)[0]


def groups(section: str) -> dict[str, str]:
    """Each group's markup, by its key, in page order."""
    parts = re.split(r'<li class="list-group-item p-0 check-group" data-group="([^"]+)">',
                     section)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def shows_fix(html: str, code: str, locale: str) -> bool:
    return (f"<code>{code}</code>" in html
            and str(escape(catalog.message(code, locale))) in html
            and str(escape(catalog.fix(code, locale))) in html)


@pytest.mark.parametrize(("headers", "locale"), [(ZH, "zh_CN"), (EN, "en")])
def test_template_rows_are_grouped_under_their_event(app, client, auth, aliyun, headers,
                                                     locale):
    # Alibaba sends by template number, and no SMS template has one: every event with SMS
    # on fails; this event's email template fails too.
    empty_email_template(EVENT)
    auth.login()

    html = page(client, "/admin/diagnostics/", headers)

    section = family(html, "templates")
    keys = re.findall(r'data-group="([^"]+)"', section)
    assert len(keys) > 3 and len(keys) == len(set(keys)), "each event heads one group, once"
    event = groups(section)[EVENT]
    heading = event.split("</h3>", 1)[0]
    assert TITLES[locale] in heading and f"<code class=\"small fw-normal ms-1\">{EVENT}</code>" \
        in heading
    rows = event.split("</h3>", 1)[1]
    assert rows.count('class="list-group-item check-result check-fail"') == 2
    sms_row, email_row = rows.split('<li class="list-group-item check-result', 2)[1:]
    assert ROWS[locale][0] in sms_row and shows_fix(sms_row, "template_number_missing", locale)
    assert ROWS[locale][1] in email_row and shows_fix(email_row, "template_missing", locale)
    # The title is the heading, not repeated in each row.
    assert TITLES[locale] not in rows


def test_other_families_are_not_grouped(app, client, auth, aliyun):
    auth.login()

    html = page(client, "/admin/diagnostics/")

    assert "check-group" not in family(html, "credentials")
    assert "check-group" in family(html, "templates")


def test_templates_all_present_is_one_row_without_a_heading(app, client, auth):
    auth.login()  # the built-in log gateways need no template number

    section = family(page(client, "/admin/diagnostics/"), "templates")

    assert "check-group" not in section
    assert section.count("check-result check-ok") == 1


def test_by_group_keeps_order_and_leaves_ungrouped_results_alone():
    a1, b1, a2 = (CheckResult("templates", n, group=g, group_title=g.upper())
                  for n, g in (("a1", "a"), ("b1", "b"), ("a2", "a")))
    lone = CheckResult("templates", "lone")

    found = by_group([lone, a1, b1, a2])

    assert [(g.key, g.title, [r.name for r in g.results]) for g in found] == [
        ("", "", ["lone"]), ("a", "A", ["a1", "a2"]), ("b", "B", ["b1"])]
