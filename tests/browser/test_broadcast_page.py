"""Site → In-site messages → Send an event to members, in a real browser at 1280 px: choose
the event, fill in its variables, review the reach, queue it, watch the job page; and a
stopped worker's red banner with the Diagnostics queue panel.

Screenshots: tests/_artifacts/admin-broadcast-*.png and admin-queue-banner-*.png.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from core import clock
from extensions import db
from models import LoginSession, Member
from models.queue import Job
from tests.browser.conftest import open_page, shot, sign_in

pytestmark = pytest.mark.browser


def open_window(admin) -> None:
    """Operation protection confirmed a moment ago (its own flow is in test_e2e.py)."""
    db.session.execute(db.update(LoginSession).where(LoginSession.admin_id == admin.id)
                       .values(protected_until=clock.now() + timedelta(minutes=10)))
    db.session.commit()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_an_admin_sends_an_event_to_members_and_watches_the_job(desktop, admin):
    db.session.add_all([Member(phone=f"+86138001380{n:02d}", email=f"m{n}@example.org")
                        for n in range(1, 6)])
    db.session.commit()
    page = desktop  # Chinese
    sign_in(page, admin)
    open_window(admin)

    page.goto(page.base + "/admin/messages/")
    page.click("a[href$='/admin/messages/broadcast']")
    page.select_option("#event-choice", "push_notice")
    page.click(".event-chooser button[type=submit]")
    page.fill("#var_title", "周五维护")
    page.fill("#var_body", "周五 02:00-04:00 网络维护。")
    assert no_sideways_scroll(page)
    shot(page, "admin-broadcast-form-zh")
    page.click(".broadcast-form button[name=review]")
    assert page.inner_text(".reach-count") == "5"
    assert no_sideways_scroll(page)
    shot(page, "admin-broadcast-review-zh")
    page.click("button.queue-broadcast")
    page.wait_for_url("**/admin/messages/jobs/*")
    db.session.rollback()
    job = db.session.scalar(db.select(Job).where(Job.audience == "all"))  # not the sign-in notice
    assert job.total == 5 and page.inner_text(".members-done") == "5"
    assert page.get_attribute(".job-state", "data-state") == "finished"
    shot(page, "admin-broadcast-job-zh")

    page.click(".language-switch button[value=en]")
    page.wait_for_url("**/admin/messages/jobs/*")
    assert "Finished" in page.inner_text(".job-state")
    shot(page, "admin-broadcast-job-en")
    page.goto(page.base + "/admin/messages/jobs")
    assert page.locator("table.jobs tbody tr[data-job]").count() == 1
    assert no_sideways_scroll(page)
    shot(page, "admin-broadcast-jobs-en")
    page.goto(page.base + "/admin/logs/notifications")
    assert page.locator(".broadcast-jobs tr[data-job]").count() == 1
    shot(page, "admin-broadcast-notification-log-en")


@pytest.fixture
def stopped_worker(app, base_config, tmp_path):
    """This site served with a real queue (SQLite in a temporary file) and no worker."""
    from app import create_app

    queued = create_app({**base_config, "HERALD_QUEUE": "sqlite",
                         "HERALD_QUEUE_FILE": str(tmp_path / "queue.db")})
    httpd = make_server("127.0.0.1", 0, queued, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def test_a_stopped_worker_shows_the_banner_and_the_queue_panel(browser, stopped_worker, admin):
    page = open_page(browser, stopped_worker, 1280, 800)  # Chinese
    sign_in(page, admin)
    banner = page.locator(".queue-banner")
    assert banner.is_visible() and "flask --app app worker" in banner.inner_text()
    page.goto(page.base + "/admin/diagnostics/")
    titles = (("zh", "没有正在运行的发送进程"), ("en", "No delivery worker is running"))
    for language, words in titles:
        if language == "en":
            page.click(".language-switch button[value=en]")
            page.wait_for_url("**/admin/diagnostics/")
        assert words in page.inner_text(".queue-banner")
        assert page.get_attribute("#queue", "data-status") == "fail"
        assert page.inner_text(".queue-workers") == "0"
        assert no_sideways_scroll(page)
        shot(page, f"admin-queue-banner-{language}", full_page=False)
