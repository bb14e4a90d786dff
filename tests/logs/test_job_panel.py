"""The notification log's "newest broadcasts" panel and the job page: how far each got, in
words that say more than the stored status (a done job may still have messages queued)."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import pytest

from core import clock
from extensions import db
from models.queue import Job

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def job(**fields) -> Job:
    now = clock.now()
    values = {"id": secrets.token_hex(16), "created_at": now, "due_at": now,
              "event": "push_notice", "audience": "all", "audience_data": "{}",
              "origin": "api", "total": 4, "status": "done", **fields}
    row = Job(**values)
    db.session.add(row)
    db.session.commit()
    return row


def state(html: str, row: Job) -> str:
    start = html.index(f'data-job="{row.id}"')
    marker = 'data-state="'
    at = html.index(marker, start) + len(marker)
    return html[at:html.index('"', at)]


def test_no_broadcast_no_panel(client, auth):
    job(audience="member", audience_data='{"id": 1}', total=1)  # one member: not a broadcast
    auth.login()
    assert "broadcast-jobs" not in client.get("/admin/logs/notifications", headers=EN).get_data(
        as_text=True)


def test_the_panel_names_each_broadcasts_state(client, auth):
    later = clock.now() + timedelta(hours=2)
    delivering = job(done=4, sent=3, pending=5)
    stopped = job(status="failed", error="template_invalid", audience="filter",
                  audience_data=json.dumps({"q": "example.org"}))
    scheduled = job(status="queued", due_at=later, audience="list",
                    audience_data=json.dumps({"ids": [1, 2, 3]}))
    auth.login()
    html = client.get("/admin/logs/notifications", headers=EN).get_data(as_text=True)
    assert "broadcast-jobs" in html
    assert [state(html, row) for row in (delivering, stopped, scheduled)] == \
        ["delivering", "stopped", "scheduled"]
    assert "3 listed members" in html and "<code>example.org</code>" in html
    assert f"/admin/messages/jobs/{delivering.id}" in html


@pytest.mark.parametrize("headers", [EN, ZH])
def test_a_stopped_jobs_page_shows_its_catalog_error_and_fix(client, auth, headers):
    stopped = job(status="failed", error="template_invalid", done=0)
    auth.login()
    html = client.get(f"/admin/messages/jobs/{stopped.id}", headers=headers).get_data(
        as_text=True)
    assert 'data-state="stopped"' in html and "<code>template_invalid</code>" in html
    assert 'http-equiv="refresh"' not in html  # finished: the page stops refreshing


def test_an_unfinished_jobs_page_refreshes_itself(client, auth):
    running = job(status="running", done=1)
    auth.login()
    html = client.get(f"/admin/messages/jobs/{running.id}", headers=EN).get_data(as_text=True)
    assert 'data-state="running"' in html and 'http-equiv="refresh"' in html
