"""The admin Overview: today and the last 7 days per channel and gateway, each figure a link
to the log filtered to exactly the rows it counts, the top failure codes with their fix,
code requests refused by send limits, and the delivery worker's health."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from core import catalog, settings
from core.queue import Queue
from extensions import db
from models import DeliveryAttempt
from models.queue import WorkerBeat
from services.codes import issue as codes
from services.codes.issue import CodeRequest
from services.codes.limits import LimitReached
from services.logs import overview

EN = {"Accept-Language": "en"}
# 02:00 on 10 March in Beijing: still 9 March in UTC, so the two zones cut days differently.
NOW = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
ROW = re.compile(r'<tr data-channel="(\w+)" data-gateway="([\w-]+)">(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="text-end[^"]*\b(sent|failed|delivered|rate)">(.*?)</td>', re.S)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')
TOTAL = re.compile(r"Total (\d+),")


@pytest.fixture
def site(app, frozen):
    settings.update({"basic.timezone": "Asia/Shanghai"})
    frozen.set(NOW)
    return frozen


def attempt(clock, moment: datetime, *, channel="sms", gateway="aliyun", status="sent",
            purpose="server_opened", error="", delivery="", count=1) -> None:
    """``count`` attempts written at ``moment`` (the held clock stamps them)."""
    back = clock()
    clock.set(moment)
    for _ in range(count):
        db.session.add(DeliveryAttempt(channel=channel, gateway=gateway, status=status,
                                       destination="+8613800138000", purpose=purpose,
                                       error=error, delivery_status=delivery))
    db.session.commit()
    clock.set(back)


def seed_week(clock) -> None:
    today, yesterday = NOW - timedelta(hours=1), NOW - timedelta(days=1)
    attempt(clock, today, count=2)
    attempt(clock, today, delivery="delivered", purpose="register")  # a code send counts too
    attempt(clock, today, status="failed", error="timeout")
    attempt(clock, today, status="skipped", error="no_destination")  # never reached it
    attempt(clock, today, channel="email", gateway="smtp")
    attempt(clock, yesterday, count=2, delivery="delivered")
    attempt(clock, yesterday, status="failed", error="sign_mismatch", purpose="login")
    attempt(clock, NOW - timedelta(days=8), count=5)  # before the week


def page(client, path="/admin/") -> str:
    response = client.get(path, headers=EN)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def cells(text: str) -> dict[tuple[str, str], list[tuple[str, str, str]]]:
    """(channel, gateway) → [(kind, figure, href)] for today then the week."""
    found = {}
    for channel, gateway, body in ROW.findall(text):
        row = []
        for kind, cell in CELL.findall(body):
            link = LINK.search(cell)
            row.append((kind, link.group(2) if link else re.sub(r"<[^>]+>", "", cell).strip(),
                        html.unescape(link.group(1)) if link else ""))
        found[(channel, gateway)] = row
    return found


def test_figures_per_channel_and_gateway_today_and_the_week(client, auth, site):
    seed_week(site)
    auth.login()
    figures = cells(page(client))
    assert [(kind, n) for kind, n, _ in figures[("sms", "aliyun")]] == [
        ("sent", "3"), ("failed", "1"), ("delivered", "1"), ("rate", "75.0%"),
        ("sent", "5"), ("failed", "2"), ("delivered", "3"), ("rate", "71.4%")]
    assert [n for _, n, _ in figures[("email", "smtp")]][:4] == ["1", "0", "0", "100.0%"]


def test_days_are_the_site_time_zone_s_days(app, frozen):
    frozen.set(NOW)
    late_evening, past_midnight = datetime(2026, 3, 9, 15, 30, tzinfo=UTC), \
        datetime(2026, 3, 9, 16, 30, tzinfo=UTC)  # 23:30 and 00:30 in Beijing
    attempt(frozen, late_evening)
    attempt(frozen, past_midnight)
    beijing = overview.build(NOW, "Asia/Shanghai")
    assert (beijing.today.isoformat(), beijing.totals.today.sent, beijing.totals.week.sent) == \
        ("2026-03-10", 1, 2)
    assert [f.sent for f in beijing.per_day["sms"][-2:]] == [1, 1]
    utc = overview.build(NOW, "UTC")
    assert (utc.today.isoformat(), utc.totals.today.sent) == ("2026-03-09", 2)


def test_a_day_of_a_clock_change_is_cut_at_its_own_midnights():
    days, starts = overview.day_starts(datetime(2026, 3, 10, 12, tzinfo=UTC),
                                       "America/New_York")
    assert days[0].isoformat() == "2026-03-04" and len(starts) == len(days) + 1
    assert all(s.astimezone(ZoneInfo("America/New_York")).hour == 0 for s in starts)
    hours = [(b - a).total_seconds() / 3600 for a, b in pairwise(starts)]
    assert hours[days.index(datetime(2026, 3, 8).date())] == 23  # summer time began


def test_every_figure_opens_the_log_of_exactly_the_rows_it_counts(client, auth, site):
    seed_week(site)
    auth.login()
    opened = 0
    for row in cells(page(client)).values():
        for kind, figure, href in row:
            if not href or kind == "rate":
                continue
            assert TOTAL.search(page(client, href)).group(1) == figure, href
            opened += 1
    assert opened >= 8
    query = parse_qs(urlsplit(cells(page(client))[("sms", "aliyun")][5][2]).query)
    assert query == {"include_codes": ["1"], "channel": ["sms"], "gateway": ["aliyun"],
                     "status": ["failed"], "date_from": ["2026-03-04"],
                     "date_to": ["2026-03-10"]}


def test_the_log_shows_the_overview_s_filters_and_keeps_them(client, auth, site):
    seed_week(site)
    auth.login()
    text = page(client, "/admin/logs/notifications?include_codes=1&gateway=aliyun"
                        "&error=sign_mismatch&delivery=")
    assert TOTAL.search(text).group(1) == "1"
    assert 'data-filter="gateway"' in text and 'name="error" value="sign_mismatch"' in text
    assert catalog.message("sign_mismatch", "en") in text
    # Without include_codes the notification log keeps to notifications, as before.
    assert TOTAL.search(page(client, "/admin/logs/notifications?error=sign_mismatch")) \
        .group(1) == "0"


def test_top_failure_codes_are_ranked_and_linked_to_their_fix(client, auth, site):
    for rank, code in enumerate(("timeout", "auth_failed", "sign_mismatch", "unreachable",
                                 "insufficient_balance", "content_rejected")):
        attempt(site, NOW - timedelta(days=rank % 3), status="failed", error=code,
                count=6 - rank)
    auth.login()
    text = page(client)
    listed = re.findall(r'<li class="list-group-item" data-error="(\w+)">', text)
    assert listed == ["timeout", "auth_failed", "sign_mismatch", "unreachable",
                      "insufficient_balance"]
    assert catalog.fix("timeout", "en") in html.unescape(text)
    fix_link = html.unescape(re.search(r'class="fw-semibold fix-link" href="([^"]+)"',
                                       text).group(1))
    assert fix_link.endswith("#fix-timeout") and "error=timeout" in fix_link
    log = page(client, fix_link.split("#")[0])
    assert TOTAL.search(log).group(1) == "6" and 'id="fix-timeout"' in log


def test_code_requests_refused_by_send_limits(client, auth, site):
    settings.update({"member.daily_cap_phone": 2})
    ask = CodeRequest("register", "+8613800138001", "s:test", ip="198.51.100.7")

    def refusal() -> str:
        with pytest.raises(LimitReached) as caught:
            codes.issue(ask)
        return caught.value.code

    codes.issue(ask)
    assert [refusal(), refusal()] == ["code_interval"] * 2
    site.move(seconds=61)
    codes.issue(ask)
    site.move(seconds=61)
    assert refusal() == "code_limit"  # the phone's daily cap of 2
    auth.login()
    text = page(client)
    refused = dict(re.findall(r'<tr data-error="(\w+)">.*?class="text-end today">(.*?)</td>',
                              text, re.S))
    assert {k: LINK.search(v).group(2) for k, v in refused.items()} == \
        {"code_limit": "1", "code_interval": "2"}
    link = html.unescape(LINK.search(refused["code_interval"]).group(1))
    assert "status=refused" in link and "error=code_interval" in link
    log = page(client, link)
    assert "Total 2," in log and 'data-filter="error"' in log


def test_worker_health_shows_once_a_queue_runs(client, auth, site, monkeypatch):
    auth.login()
    assert "worker-health" not in page(client)  # inline (tests): no worker to watch
    monkeypatch.setattr(Queue, "immediate", property(lambda self: False))
    assert 'worker-health" data-status="fail"' in page(client)
    db.session.add(WorkerBeat(id="box:1:t", host="box", pid=1, threads=4))
    db.session.commit()
    site.move(seconds=1)
    text = page(client)
    assert 'worker-health" data-status="ok"' in text
    assert '<span class="worker-threads">4</span>' in text


def test_figures_are_cached_for_half_a_minute(client, auth, site):
    auth.login()  # its sign-in notice is a message of its own, by another gateway
    assert ("sms", "aliyun") not in cells(page(client))
    attempt(site, NOW)
    assert ("sms", "aliyun") not in cells(page(client))
    site.move(seconds=overview.CACHE_SECONDS)
    assert ("sms", "aliyun") in cells(page(client))


def test_the_chart_carries_sent_and_failed_per_channel_and_day(client, auth, site):
    seed_week(site)
    found = overview.build(NOW, "Asia/Shanghai")
    assert [f.sent for f in found.per_day["sms"]] == [0, 0, 0, 0, 0, 2, 3]
    assert [f.failed for f in found.per_day["sms"]] == [0, 0, 0, 0, 0, 1, 1]
    auth.login()
    text = page(client)
    assert "js/overview.js" in text and "chart.umd.min.js" in text
    chart = json.loads(re.search(r'id="overview-daily-data">(.*?)</script>', text).group(1))
    assert chart["labels"][-1] == "Mar 10" and len(chart["labels"]) == 7
    failed = next(d for d in chart["datasets"] if d["stack"] == "sms" and d["status"] == "failed")
    assert failed["label"] == "SMS · Failed" and failed["data"][-2:] == [1, 1]
    assert list(dict.fromkeys(d["stack"] for d in chart["datasets"])) == ["sms", "email"]
    # A bar opens the log of its channel, result and day.
    assert TOTAL.search(page(client, failed["links"][-2])).group(1) == "1"
    assert "date_from=2026-03-09&date_to=2026-03-09" in failed["links"][-2]


def test_an_empty_week_says_so_and_draws_no_chart(client, auth, site):
    auth.login()
    db.session.execute(db.delete(DeliveryAttempt))  # the sign-in notice
    db.session.commit()
    text = page(client)
    assert "No messages in the last 7 days." in text and "overview.js" not in text
    assert "No failures in the last 7 days." in text
    # The gateway cards name the providers, never a setting's raw value.
    assert '<div class="fs-5 fw-semibold">Log only (no SMS is sent)</div>' in text
    assert '<div class="fs-5 fw-semibold">Off</div>' in text  # WeChat, switched off


def test_the_sidebar_opens_the_overview_first_and_marks_it_current(client, auth):
    auth.login()
    html = client.get("/admin/settings/basic", headers=EN).get_data(as_text=True)
    nav = html.split('class="w-100 py-3 admin-nav"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert links[0] == "/admin/" and 'aria-current="page"' not in nav.split("</li>")[0]
    home = client.get("/admin/", headers=EN).get_data(as_text=True)
    first = home.split('class="w-100 py-3 admin-nav"')[1].split("</li>")[0]
    assert "Overview" in first and 'aria-current="page"' in first
