"""Redis stops mid-run, and comes back.

Redis holds two different things, and they fail differently on purpose:

- rate limits fail closed: member send-code answers 503 ``service_unavailable`` JSON
  and the rate-limited forms (admin and member sign-in) a 503 page, rather than sending
  codes or checking passwords without limits;
- the cache fails open (``core.resilient_cache``): it only holds what can be read again
  (settings, tokens, breaker state), so pages keep working from the database.

Both recover on their own when Redis is back on the same port: same app object, no
restart. A delete that failed during the outage is replayed when Redis answers again,
so a settings save made meanwhile is not hidden behind a stale cache entry.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from core import settings
from core.resilient_cache import ResilientRedisCache
from extensions import db, limiter
from models.code import VerificationCode
from tests.conftest import ADMIN_PASSWORD, HeraldClient
from tests.faults.conftest import PHONE

JSON = {"Accept": "application/json"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def redis_app(app, _app, base_config, redis_process):
    """Another app on the run's database, with limits and cache in our own Redis."""
    from app import create_app

    config = {k: v for k, v in base_config.items() if not k.startswith("CACHE_")}
    config.update(REDIS_URL=redis_process.url, RATELIMIT_STORAGE_URI=redis_process.url,
                  CACHE_KEY_PREFIX="herald-faults:")
    made = create_app(config)
    made.test_client_class = HeraldClient
    yield made
    limiter.init_app(_app)  # the limiter keeps one storage: give it back to the session app


def send(client, phone: str = PHONE):
    response = client.post("/codes/send", data={"scene": "register", "destination": phone},
                           headers=JSON, buffered=True)
    response.close()
    return response


def sign_in(client):
    return client.post("/admin/login", headers=EN, data={"username": "root",
                                                         "password": ADMIN_PASSWORD})


def codes() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(VerificationCode))


def test_limits_fail_closed_and_pages_keep_working_while_redis_is_down(
        redis_app, redis_process, admin):
    settings.update({"member.captcha_mode": "off"})
    admin_browser, member_browser = redis_app.test_client(), redis_app.test_client()
    assert sign_in(admin_browser).status_code == 302
    assert send(member_browser).get_json()["code"] == "sent"
    assert codes() == 1

    redis_process.kill()
    refused = send(member_browser, "+8613800138056")
    assert refused.status_code == 503 and refused.get_json()["code"] == "service_unavailable"
    assert codes() == 1  # nothing sent, nothing half-stored
    for path in ("/admin/", "/admin/settings/sms", "/admin/logs/codes", "/admin/outbox/"):
        page = admin_browser.get(path, headers=EN)
        assert page.status_code == 200, path  # the cache is down, the database is not
    assert member_browser.get("/register", headers=EN).status_code == 200
    late = redis_app.test_client()
    login_page = sign_in(late)
    text = login_page.get_data(as_text=True)
    assert login_page.status_code == 503 and "service_unavailable" in text
    assert "temporarily unavailable" in text and "Traceback" not in text

    redis_process.start()  # the same port, an empty Redis
    assert send(member_browser, "+8613800138056").get_json()["code"] == "sent"
    assert sign_in(late).status_code == 302
    assert codes() == 2


def test_a_settings_save_during_an_outage_is_not_hidden_by_the_cache_afterwards(
        redis_app, redis_process, monkeypatch):
    """Redis stops answering but keeps its data (a pause, not a crash)."""
    monkeypatch.setattr(ResilientRedisCache, "RETRY_AFTER", 0.2)
    with redis_app.app_context():
        assert settings.get("basic.site_name") == "Herald"  # now cached in Redis
    os.kill(redis_process.process.pid, signal.SIGSTOP)
    try:
        with redis_app.app_context():
            settings.update({"basic.site_name": "Saved During Outage"})
    finally:
        os.kill(redis_process.process.pid, signal.SIGCONT)
    time.sleep(0.3)  # past the pause the cache gives a failing Redis
    with redis_app.app_context():
        assert settings.get("basic.site_name") == "Saved During Outage"
    page = redis_app.test_client().get("/terms", headers=EN).get_data(as_text=True)
    assert "Saved During Outage" in page
