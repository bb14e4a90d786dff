"""The admin Overview in a browser: Chart.js draws the 7-day chart (the CSP lets its JSON
and the vendored script through) and the page fits 1280 px in both languages, with the
longest gateway names in its table.

Screenshots: tests/_artifacts/admin-overview*.png; with HERALD_SCREENSHOTS=docs also
docs/screenshots/admin-overview.png for the README.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from extensions import db
from models import DeliveryAttempt, VerificationCode
from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser

# Sent and failed per (channel, gateway) on each of the last seven days, newest last.
TRAFFIC = {
    ("sms", "aliyun"): ([38, 42, 35, 51, 47, 44, 29], [2, 1, 6, 2, 3, 1, 2]),
    ("sms", "upstream"): ([4, 6, 3, 5, 2, 7, 3], [0, 1, 0, 0, 2, 0, 1]),
    ("email", "smtp"): ([12, 15, 11, 18, 9, 14, 8], [1, 0, 0, 2, 0, 1, 0]),
    ("wechat", "mp"): ([3, 5, 2, 4, 6, 5, 2], [0, 0, 1, 0, 0, 0, 0]),
}
FAILURES = ("timeout", "sign_mismatch", "insufficient_balance", "unreachable", "auth_failed")
CANVAS_DRAWN = """() => {
    const canvas = document.querySelector('#overview-daily');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) inked++; }
    return {chart: Boolean(window.Chart && window.Chart.getChart(canvas)), inked,
            width: canvas.width, height: canvas.height};
}"""
WIDTHS = """() => ({page: document.documentElement.scrollWidth, viewport: innerWidth,
    table: document.querySelector('.deliveries .table-responsive').scrollWidth,
    frame: document.querySelector('.deliveries .table-responsive').clientWidth})"""


def assert_fits(page) -> None:
    """Nothing wider than the window, and the figures' table needs no sideways scroll."""
    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["viewport"] == 1280, widths
    assert widths["table"] <= widths["frame"], widths


def seed_week() -> None:
    today = clock.now() - timedelta(seconds=1)  # today in any time zone
    rows = []
    for (channel, gateway), (sent, failed) in TRAFFIC.items():
        for back, (n_sent, n_failed) in enumerate(zip(reversed(sent), reversed(failed),
                                                      strict=True)):
            moment = today - timedelta(days=back)
            rows += [DeliveryAttempt(channel=channel, gateway=gateway, status="sent",
                                     destination="+8613800138000", purpose="register",
                                     delivery_status="delivered" if i % 3 else "",
                                     created_at=moment) for i in range(n_sent)]
            rows += [DeliveryAttempt(channel=channel, gateway=gateway, status="failed",
                                     destination="+8613800138000", purpose="server_opened",
                                     error=FAILURES[(i + back) % len(FAILURES)],
                                     created_at=moment) for i in range(n_failed)]
    rows += [VerificationCode(scene="register", channel="sms", destination="+8613800138009",
                              status="refused", error=error, created_at=today,
                              expires_at=today) for error in ["code_limit"] * 3 +
             ["code_interval"] * 5]
    db.session.add_all(rows)
    db.session.commit()


def test_the_chart_is_drawn_and_the_page_fits_1280_px(desktop, admin):
    seed_week()
    page = desktop
    sign_in(page, admin)  # lands on the Overview
    page.wait_for_function("() => window.Chart && Chart.getChart('overview-daily')")
    drawn = page.evaluate(CANVAS_DRAWN)
    assert drawn["chart"] and drawn["width"] > 300 and drawn["inked"] > 5000, drawn
    assert_fits(page)
    for channel, gateway in TRAFFIC:  # (the sign-in notice adds rows of its own)
        assert page.locator(f'.deliveries tr[data-channel="{channel}"]'
                            f'[data-gateway="{gateway}"]').count() == 1
    shot(page, "admin-overview", docs=True)

    page.click(".language-switch button[value=en]")
    page.wait_for_url("**/admin/")
    page.wait_for_function("() => window.Chart && Chart.getChart('overview-daily')")
    assert_fits(page)
    shot(page, "admin-overview-en")


def test_a_bar_opens_the_log_of_its_channel_result_and_day(desktop, admin):
    seed_week()
    page = desktop
    sign_in(page, admin)
    page.wait_for_function("() => window.Chart && Chart.getChart('overview-daily')")
    # The newest day's failed SMS bar: where Chart.js drew it, clicked as a user would.
    point = page.evaluate("""() => {
        const chart = Chart.getChart('overview-daily');
        const index = chart.data.datasets.findIndex(
            d => d.stack === 'sms' && d.links[0].includes('status=failed'));
        const bar = chart.getDatasetMeta(index).data[6];
        const box = chart.canvas.getBoundingClientRect();
        return {x: box.left + bar.x, y: box.top + (bar.y + bar.base) / 2};
    }""")
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/admin/logs/notifications?**")
    assert "status=failed" in page.url and "channel=sms" in page.url
    assert page.locator(".attempts tbody tr").count() == 3  # aliyun 2 + upstream 1 today
