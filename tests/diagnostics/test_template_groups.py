"""The templates family on the Diagnostics page: one heading per event, in the user's
language, with that event's channel rows under it; every failure keeps its code and fix."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from markupsafe import escape

from core import catalog
from services.diagnostics.result import CheckResult, by_group
from services.notify import events
from services.notify.matrix import matrix
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
def test_identical_template_rows_become_one_entry_with_a_count(app, client, auth, aliyun,
                                                               headers, locale):
    # Alibaba sends by template number, and no SMS template has one: every event with SMS
    # on fails the same way; this event's email template fails in its own way too.
    empty_email_template(EVENT)
    sms_on = [name for name, switches in matrix().items() if switches.on("sms")]
    auth.login()

    html = page(client, "/admin/diagnostics/", headers)

    section = family(html, "templates")
    merged = section.split('data-code="template_number_missing"')
    assert len(merged) == 2, "the identical findings are one entry"
    entry = merged[1].split('<li class="list-group-item check-result', 1)[0]
    assert entry.startswith(f' data-count="{len(sms_on)}"') and f"× {len(sms_on)}" in entry
    assert entry.count('class="repeat"') == len(sms_on) and len(sms_on) > 3
    assert str(escape(catalog.fix("template_number_missing", locale))) in entry
    with force_locale(locale):
        assert all(str(escape(str(events.get(name).title))) in entry for name in sms_on)
    # What differs stays apart, under its event's heading.
    event = groups(section)[EVENT]
    assert TITLES[locale] in event.split("</h3>", 1)[0]
    assert ROWS[locale][1] in event and shows_fix(event, "template_missing", locale)


def test_other_families_are_not_grouped(app, client, auth, aliyun):
    empty_email_template(EVENT)
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
