"""A worker that stops is seen: ``health()``, the Diagnostics panel and the admin banner."""

from __future__ import annotations

from datetime import timedelta

from extensions import cache, db
from gateways.base import Message
from models import LoginSession
from services.delivery import health, outgoing
from tests.conftest import HeraldClient

EN = {"Accept-Language": "en-US,en;q=0.9"}


def signed_in(rig, admin) -> HeraldClient:
    """A browser signed in as ``admin`` on the rig's app (the one that sees the queue)."""
    rig.app.test_client_class = HeraldClient
    client = rig.app.test_client()
    row = LoginSession(admin_id=admin.id)
    db.session.add(row)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = row.key, True
    return client


def diagnostics(client) -> str:
    cache.delete(health.CACHE_KEY)  # the banner's answer, cached a few seconds
    response = client.get("/admin/diagnostics/", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_killed_worker_shows_as_down_and_a_started_one_clears_it(rig, admin, monkeypatch):
    browser = signed_in(rig, admin)
    [worker] = rig.start(threads=3)
    found = health.health()
    assert (found.workers, found.threads, found.no_worker, found.down) == (1, 3, False, False)
    html = diagnostics(browser)
    assert 'data-status="ok"' in html and "queue-banner" not in html

    worker.kill()
    monkeypatch.setattr(health, "LIMIT", timedelta(seconds=1))  # a minute, for the test
    ids = [outgoing.add("sms", Message(to="+8613800138401", content="waiting"))]
    db.session.commit()
    outgoing.hand_over(ids)
    found = rig.wait(lambda: (h := health.health()).no_worker and h.behind and h.workers == 0
                     and h, "health seeing no worker and a message waiting")
    assert (found.waiting, found.down) == (1, True)
    html = diagnostics(browser)
    assert 'data-status="fail"' in html and "queue-banner" in html and "worker_down" in html

    rig.start(threads=1)
    # Polled on the page itself: a heartbeat a moment late must not make it flaky.
    rig.wait(lambda: "queue-banner" not in (html := diagnostics(browser)) and html,
             "a new worker clearing the banner")
    found = rig.wait(lambda: not (h := health.health()).down and h.waiting == 0 and h,
                     "the new worker sending what waited")
    assert found.workers == 1
