"""Flask-Limiter on the send and check endpoints: per IP, shared through Redis by several
app instances, and failing closed when Redis is down.

The Redis test is not skipped when Redis is missing: it fails. CI runs Redis beside every
database (``.ci/run``), and a rate limit that silently stopped being shared would be a hole.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid

import pytest
import redis

from extensions import db, limiter
from models.code import VerificationCode
from services.codes import captcha
from tests.codes.conftest import JSON, PHONE, send
from tests.conftest import ROOT, HeraldClient
from tests.fakes.ports import free_port

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def rates(app):
    """Tight per-IP limits for the test, restored afterwards."""
    before = {k: app.config.get(k) for k in ("HERALD_CODE_SEND_RATE", "HERALD_CODE_CHECK_RATE")}
    app.config.update(HERALD_CODE_SEND_RATE="2 per minute", HERALD_CODE_CHECK_RATE="2 per minute")
    yield
    for key, value in before.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


@pytest.fixture
def other_app(app, _app, base_config):
    """Build another app instance from ``overrides``; the shared limiter is re-pointed at
    the session app's storage afterwards (Flask-Limiter keeps one storage per limiter)."""
    from app import create_app

    def build(**overrides):
        made = create_app({**base_config, **overrides})
        made.test_client_class = HeraldClient
        return made

    yield build
    limiter.init_app(_app)


def test_sending_is_limited_per_ip(client, rates):
    assert send(client, "register", "13800138001").status_code == 200
    assert send(client, "register", "13800138002").status_code == 200
    third = send(client, "register", "13800138003")
    assert third.status_code == 429 and third.get_json()["code"] == "rate_limited"
    assert captcha.required("127.0.0.1")  # tripping the limit turns the captcha on for the IP


def test_checking_is_limited_per_ip(client, rates):
    for _ in range(2):
        assert client.post("/login/code", data={"phone": PHONE, "code": "123456"}).status_code \
            == 200
    assert client.post("/login/code", data={"phone": PHONE, "code": "123456"}).status_code == 429


SECOND_INSTANCE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {root!r})
    from app import create_app
    from tests.conftest import HeraldClient
    app = create_app(json.loads({config!r}))
    app.test_client_class = HeraldClient
    client = app.test_client()
    statuses = []
    for phone in ("13800138011", "13800138012"):
        response = client.post("/codes/send", data={{"scene": "register", "destination": phone}},
                               headers={{"Accept": "application/json"}}, buffered=True)
        statuses.append(response.status_code)
    print(json.dumps(statuses))
""")


def test_redis_limits_are_shared_by_two_app_instances(base_config, other_app):
    server = redis.Redis.from_url(REDIS_URL)
    server.ping()  # no Redis: this test fails rather than skips
    prefix = f"herald-codes-test-{uuid.uuid4().hex[:8]}"
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
              "HERALD_CODE_SEND_RATE": "3 per minute"}
    first = other_app(**shared)
    client = first.test_client()
    with first.app_context():
        for phone in ("13800138001", "13800138002"):
            assert send(client, "register", phone).status_code == 200
    # A second instance in its own process shares the window: it has one send left.
    config = json.dumps({**base_config, **shared})
    script = SECOND_INSTANCE.format(root=str(ROOT), config=config)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, cwd=ROOT, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout.strip().splitlines()[-1]) == [200, 429]
    keys = server.keys(f"*{prefix}*")
    assert keys  # the counters really live in Redis
    server.delete(*keys)


def test_sending_fails_closed_when_the_limit_store_is_down(base_config, other_app):
    down = other_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    client = down.test_client()
    with down.app_context():
        answer = client.post("/codes/send", data={"scene": "register", "destination": PHONE},
                             headers=JSON)
        assert answer.status_code == 503
        assert answer.get_json()["code"] == "service_unavailable"
        page = client.post("/register", data={"phone": PHONE}, headers={"Accept-Language": "en"})
        assert page.status_code == 503
        assert "temporarily unavailable" in page.get_data(as_text=True)
        assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) == 0
