"""Root cause first: an unreachable active gateway leads the page and folds what it makes
moot under it; identical findings are one entry with a count; times are the site's."""

from __future__ import annotations

from datetime import UTC, datetime

from core import settings
from services.diagnostics import ordering
from services.diagnostics.result import CheckResult
from tests.diagnostics.conftest import ALIYUN, PHONE
from tests.diagnostics.helpers import family_of, family_order, page, send_sms, store_unchecked


def test_an_unreachable_gateway_comes_first_with_its_dependents_folded(app, client, auth,
                                                                        closed_port):
    store_unchecked({"sms.gateway": "aliyun", **ALIYUN,
                     "sms.aliyun.endpoint": f"http://127.0.0.1:{closed_port}/"})
    auth.login()

    html = page(client, "/admin/diagnostics/")

    assert family_order(html)[0] == "reachability"
    root = family_of(html, "reachability")
    assert 'data-code="unreachable"' in root.split("<details", 1)[0]
    folded = root.split('<details class="mt-2 dependents"', 1)[1].split("</details>", 1)[0]
    # The records query and the clock fail for the same reason; twelve-odd events without
    # a template number are one entry with its count, inside the fold.
    assert 'data-code="unreachable"' in folded and "template_number_missing" in folded
    entry = folded.split('data-code="template_number_missing" data-count="', 1)[1]
    assert int(entry.split('"', 1)[0]) > 3 and "repeat-count" in entry
    assert "findings depend on reaching this address" in folded
    # Nothing the failure explains is listed again outside the fold.
    assert 'id="family-templates"' not in html and 'id="family-records"' not in html


def test_reachable_gateway_keeps_its_findings_in_their_families(app, client, auth, aliyun):
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert "<details class=\"mt-2 dependents\"" not in html
    assert "template_number_missing" in family_of(html, "templates")
    assert family_order(html).index("templates") < family_order(html).index("reachability")


def test_collapse_keeps_what_another_reachable_gateway_still_needs():
    root = CheckResult("reachability", "a", status="fail", code="unreachable",
                       covers=("sms.aliyun",))
    only_aliyun = CheckResult("templates", "t", status="fail", code="template_number_missing",
                              depends_on=("sms.aliyun",))
    both = CheckResult("templates", "t", status="fail", code="template_number_missing",
                       depends_on=("sms.aliyun", "sms.tencent"))
    fine = CheckResult("clock", "c", depends_on=("sms.aliyun",))

    kept = ordering.collapse([root, only_aliyun, both, fine])

    assert kept == [root, both, fine] and root.dependents == [only_aliyun]


def test_identical_findings_merge_and_different_ones_do_not():
    rows = [CheckResult("templates", "SMS template", status="fail", code="x", hint="h",
                        group=f"e{i}") for i in range(3)]
    other = CheckResult("templates", "SMS template", status="fail", code="x", hint="other")

    merged = ordering.merge_identical([*rows, other])

    assert merged == [rows[0], other] and rows[0].repeats == rows
    assert rows[0].group == "" and other.repeats == []


def test_families_fail_first_then_in_causal_order():
    results = [CheckResult("recent", "r", status="fail"), CheckResult("reachability", "n"),
               CheckResult("credentials", "c", status="warn"),
               CheckResult("templates", "t", status="fail")]
    assert ordering.families(results) == ["templates", "recent", "credentials", "reachability"]


def test_times_are_in_the_site_zone_and_the_zone_is_named(app, client, auth, aliyun, frozen):
    frozen.set(datetime(2026, 12, 6, 10, 0, 5, tzinfo=UTC))
    settings.update({"basic.timezone": "Asia/Shanghai"})
    send_sms(PHONE)
    auth.login()

    html = page(client, "/admin/diagnostics/")

    recent = family_of(html, "recent")
    assert "2026-12-06 18:00:05" in recent and "UTC" not in recent
    assert "GMT+08:00" in html.split('class="text-body-secondary small site-zone"', 1)[1][:400]


def test_the_tracer_names_the_zone_of_its_times(app, client, auth, aliyun, frozen):
    frozen.set(datetime(2026, 12, 6, 10, 0, 5, tzinfo=UTC))
    settings.update({"basic.timezone": "Asia/Shanghai"})
    send_sms(PHONE)
    auth.login()

    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")

    assert "2026-12-06 18:00:05" in html.split('class="table table-sm table-hover', 1)[1]
    assert "GMT+08:00" in html.split('site-zone">', 1)[1][:60]
