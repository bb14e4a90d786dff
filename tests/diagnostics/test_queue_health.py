"""The delivery queue seen from the admin pages: Diagnostics' queue panel, the red banner
every admin page shows while no worker runs (or messages wait over a minute), and the
admin's own code "on its way" while the worker has not answered yet."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core import settings
from extensions import cache, db
from models.queue import KIND_MESSAGE, Outgoing, WorkerBeat
from tests.conftest import HeraldClient
from tests.notify.conftest import sign_in_browser

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
PAGES = ("/admin/", "/admin/members/", "/admin/messages/", "/admin/diagnostics/")
COMMAND = "<code class=\"user-select-all\">flask --app app worker</code>"


def browser_of(flask_app, admin) -> HeraldClient:
    """A browser signed in as ``admin`` on ``flask_app``, as the login page leaves it."""
    flask_app.test_client_class = HeraldClient
    return sign_in_browser(flask_app.test_client(), admin)


@pytest.fixture
def queued(app, base_config, tmp_path, admin):
    """This site with a real queue (SQLite storage in a temporary file) and no worker
    running: a browser signed in to it."""
    from app import create_app

    made = create_app({**base_config, "HERALD_QUEUE": "sqlite",
                       "HERALD_QUEUE_FILE": str(tmp_path / "queue.db")})
    return browser_of(made, admin)


def beat(seen_at, threads: int = 8) -> None:
    db.session.add(WorkerBeat(id="box:41:ab12", host="box", pid=41, threads=threads,
                              seen_at=seen_at, started_at=seen_at))
    db.session.commit()
    cache.clear()  # the banner's answer is cached a few seconds


def waiting_message(due_at) -> None:
    db.session.add(Outgoing(channel="sms", destination="+8613800138000", payload="x",
                            kind=KIND_MESSAGE, due_at=due_at, created_at=due_at))
    db.session.commit()
    cache.clear()


def figures(html: str) -> dict[str, str]:
    """The panel's figures by name (the ``queue-<name>`` class of their dd or span)."""
    found = re.findall(r'<(dd|span) class="[^"]*queue-([\w-]+)[^"]*">(.*?)</\1>', html, re.S)
    return {name: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", value)).strip()
            for _tag, name, value in found}


def test_with_no_worker_every_admin_page_shows_the_banner_with_the_command(queued):
    for page in PAGES:
        html = queued.get(page, headers=EN).get_data(as_text=True)
        assert "queue-banner" in html and "worker_down" in html, page
        assert "No delivery worker is running" in html and COMMAND in html, page
    zh = queued.get("/admin/", headers=ZH).get_data(as_text=True)
    assert "queue-banner" in zh and COMMAND in zh


def test_the_banner_is_for_signed_in_admins_only(queued):
    queued.post("/admin/logout")
    assert "queue-banner" not in queued.get("/admin/login").get_data(as_text=True)


def test_diagnostics_shows_a_stopped_worker(queued, tmp_path):
    html = queued.get("/admin/diagnostics/", headers=EN).get_data(as_text=True)
    assert 'id="queue" data-status="fail"' in html
    shown = figures(html)
    assert shown["last-seen"] == "never" and (shown["workers"], shown["threads"]) == ("0", "0")
    assert shown["storage"] == f"SQLite {tmp_path / 'queue.db'}"


def test_a_beating_worker_and_an_empty_queue_raise_no_banner(queued, frozen):
    beat(frozen.now - timedelta(seconds=3), threads=6)
    for page in PAGES:
        assert "queue-banner" not in queued.get(page, headers=EN).get_data(as_text=True), page
    html = queued.get("/admin/diagnostics/", headers=EN).get_data(as_text=True)
    assert 'data-status="ok"' in html
    shown = figures(html)
    assert (shown["workers"], shown["threads"], shown["waiting"], shown["oldest"]) == \
        ("1", "6", "0", "—")
    assert shown["last-seen"].endswith("(3 seconds ago)")


def test_a_message_waiting_over_a_minute_raises_the_banner_though_a_worker_beats(
        queued, frozen):
    waiting_message(frozen.now - timedelta(minutes=2))
    beat(frozen.now)
    html = queued.get("/admin/diagnostics/", headers=EN).get_data(as_text=True)
    assert "queue-banner" in html and 'data-status="warn"' in html
    shown = figures(html)
    assert (shown["workers"], shown["waiting"]) == ("1", "1")
    assert shown["oldest"].startswith("2 minutes")


def test_a_worker_gone_quiet_for_a_minute_raises_the_banner(queued, frozen):
    beat(frozen.now - timedelta(seconds=61))
    html = queued.get("/admin/members/", headers=EN).get_data(as_text=True)
    assert "queue-banner" in html


def test_inline_mode_says_so_and_never_raises_the_banner(client, auth):
    auth.login()
    html = client.get("/admin/diagnostics/", headers=EN).get_data(as_text=True)
    assert "queue-inline" in html and "HERALD_QUEUE=immediate" in html
    assert "queue-banner" not in html
    zh = client.get("/admin/diagnostics/", headers=ZH).get_data(as_text=True)
    assert "queue-inline" in zh and 'lang="zh-CN"' in zh


def test_an_admin_code_still_on_its_way_lets_the_admin_go_on(client, auth, closed_port):
    """A provider that refused the connection is tried again later: the code is queued,
    neither sent nor failed, and the confirmation page says it is on its way."""
    from tests.diagnostics.helpers import store_unchecked

    store_unchecked({"sms.gateway": "smsbao", "sms.smsbao.username": "u",
                     "sms.smsbao.password": "p", "sms.smsbao.signature": "Herald",
                     "sms.smsbao.endpoint": f"http://127.0.0.1:{closed_port}/"})
    settings.update({"sms.max_tries": 3})
    auth.login()
    parked = client.post("/admin/api-clients/", data={"name": "billing"})
    confirm = parked.headers["Location"]
    response = client.post(confirm + "/send", data={"channel": "sms"}, headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "A code is on its way" in page and "Sending the code failed" not in page
    with client.session_transaction() as session:  # the code may be entered once it arrives
        assert any(key.startswith("protection:") for key in session)
