"""Two Herald instances: a downstream whose SMS gateway is ``upstream``, and the upstream.

The upstream is the session's app on the test database, served over real HTTP by a
werkzeug server thread; its own SMS gateway is ``aliyun``, pointed at the Alibaba fake. The
downstream is a second app on its own SQLite file. Every refusal of the reseller API must
reach the downstream admin's Test send as the right catalog code, message and fix. What the
upstream accepts it queues (its worker runs inline here); the downstream follows it with
``GET /api/sms/messages/<id>``.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from werkzeug.serving import make_server

from core import catalog, settings
from core.admins import make_admin
from core.signing import signed_headers
from extensions import cache, db
from gateways.base import Message
from models import ApiClient, DeliveryAttempt, ReplayKey, ResellerAccount
from models.api_client import NONCES
from models.queue import Outgoing
from services.delivery import messaging
from services.reseller import clients as reseller_clients
from services.reseller.clients import Credentials
from tests.conftest import ADMIN_PASSWORD, AuthActions, HeraldClient
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer
from tests.reseller.conftest import PARAMS, make_reseller, make_template

ROOT = Path(__file__).resolve().parents[2]
ZH = {"Accept-Language": "zh-CN"}
PARAMS_JSON = '{"code": "123456", "minutes": "10"}'


@pytest.fixture(scope="module")
def upstream_url(_app):
    """The session's app on a real local HTTP server."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def downstream(base_config, tmp_path_factory):
    """A second Herald with its own database, cache and encryption key."""
    from flask_migrate import upgrade

    from app import create_app

    folder = tmp_path_factory.mktemp("downstream")
    app = create_app({**base_config, "DATABASE_URL": f"sqlite:///{folder / 'downstream.db'}",
                      "HERALD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                      "CACHE_DIR": str(folder / "cache"),
                      "CACHE_KEY_PREFIX": "herald-downstream:"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        make_admin("root", ADMIN_PASSWORD, phone="+8613800138000", email="root@example.com")
    app.test_client_class = HeraldClient
    return app


@pytest.fixture(scope="module")
def downstream_admin(downstream):
    """The downstream's admin, signed in for the whole module."""
    client = downstream.test_client()
    with downstream.app_context():
        AuthActions(client, None).login("root")
    return client


@dataclass
class Upstream:
    url: str
    account: ResellerAccount
    credentials: Credentials
    provider: AliyunFake


@pytest.fixture
def aliyun_fake(app):
    fake = AliyunFake({"LTAI-up": "up-secret"})
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": server.url + "/",
                         "sms.aliyun.access_key_id": "LTAI-up",
                         "sms.aliyun.access_key_secret": "up-secret",
                         "sms.aliyun.sign_name": "Herald"})
        yield fake


@pytest.fixture
def upstream(app, upstream_url, aliyun_fake, downstream):
    make_template()
    account, credentials = make_reseller(quota=5)
    configure(downstream, upstream_url + "/api/sms/", credentials)  # the seed's mistake, fixed
    yield Upstream(upstream_url, account, credentials, aliyun_fake)
    with downstream.app_context():
        cache.clear()  # breaker state of the downstream's gateways


def configure(downstream, url: str, credentials: Credentials, **changes: str) -> None:
    values = {"sms.gateway": "upstream", "sms.fallbacks": "", "sms.upstream.url": url,
              "sms.upstream.member_id": credentials.client_id,
              "sms.upstream.api_key": credentials.api_key,
              "sms.upstream.sign_key": credentials.sign_key}
    values.update({f"sms.upstream.{k}" if "." not in k else k: v for k, v in changes.items()})
    with downstream.app_context():
        settings.update(values)


def send_downstream(downstream, template_code: str = "1001", to: str = "+8613800138000",
                    params=None):
    with downstream.app_context():
        delivery = messaging.send("sms", Message(
            to=to, content="您的验证码是123456", template_code=template_code,
            params=PARAMS if params is None else params, purpose="register"))
        return delivery


def upstream_account(upstream: Upstream) -> ResellerAccount:
    db.session.rollback()
    return db.session.get(ResellerAccount, upstream.account.id, populate_existing=True)


def message_status(upstream: Upstream, message_id: str) -> dict:
    """What the upstream's status operation says of one message, asked as the downstream."""
    path = f"/api/sms/messages/{message_id}"
    c = upstream.credentials
    headers = signed_headers(c.client_id, c.api_key, c.sign_key, "GET", path, b"",
                             nonce=uuid.uuid4().hex)
    response = requests.get(upstream.url + path, headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_code_reaches_the_upstreams_provider(upstream, downstream):
    delivery = send_downstream(downstream)
    assert delivery.ok, delivery.result
    [sent] = upstream.provider.sent
    assert (sent["PhoneNumbers"], sent["TemplateCode"]) == ("13800138000", "SMS_154950909")
    assert '"code":"123456"' in sent["TemplateParam"]
    db.session.rollback()
    queued = db.session.scalar(db.select(Outgoing))
    assert delivery.result.message_id == str(queued.id)  # the upstream's id, handed back
    status = message_status(upstream, delivery.result.message_id)
    assert (status["status"], status["provider_message_id"]) == ("sent", "000001^0")  # BizId
    account = upstream_account(upstream)
    assert (account.quota, account.sent_count) == (4, 1)
    [attempt] = db.session.scalars(db.select(DeliveryAttempt)).all()
    assert (attempt.gateway, attempt.purpose, attempt.api_client_id) == (
        "aliyun", "reseller:1001", account.api_client_id)
    with downstream.app_context():
        last = db.session.scalar(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id.desc()))
        assert (last.gateway, last.status, last.api_client_id) == ("upstream", "sent", None)


def test_the_same_idempotency_key_sends_once(upstream, downstream):
    payload = {"phone": "+8613800138000", "template_number": "1001", "params": PARAMS,
               "idempotency_key": "order-7"}
    with downstream.app_context():
        gateway = messaging.build_gateway("sms", "upstream")
        first, again = gateway.call(payload), gateway.call(payload)
    assert first.ok and again.ok and first.message_id == again.message_id
    assert len(upstream.provider.sent) == 1 and upstream_account(upstream).quota == 4


def test_an_unreachable_upstream_fails_over_downstream(upstream, downstream):
    configure(downstream, f"http://127.0.0.1:{_closed_port()}", upstream.credentials)
    with downstream.app_context():
        settings.update({"sms.fallbacks": "log"})
    delivery = send_downstream(downstream)
    assert delivery.ok and delivery.result.gateway == "log"
    first = delivery.attempts[0]
    assert (first.gateway, first.error, first.retryable) == ("upstream", "unreachable", True)
    assert upstream_account(upstream).quota == 5


def test_an_outage_of_the_upstreams_provider_is_the_upstreams_to_retry_and_refund(
        upstream, downstream):
    settings.update({"sms.aliyun.endpoint": f"http://127.0.0.1:{_closed_port()}/",
                     "sms.max_tries": 1})
    with downstream.app_context():
        settings.update({"sms.fallbacks": "log"})
    delivery = send_downstream(downstream)
    # The upstream accepted and charged it: from here it is sent, no fallback is used.
    assert delivery.ok and delivery.result.gateway == "upstream"
    status = message_status(upstream, delivery.result.message_id)
    assert (status["status"], status["error"]) == ("failed", "unreachable")
    account = upstream_account(upstream)
    assert (account.quota, account.failed_count) == (5, 1)  # refunded: nothing went out


def test_a_provider_refusal_after_the_answer_is_in_the_status_and_refunded(
        upstream, downstream, downstream_admin):
    upstream.provider.force_code = "isv.AMOUNT_NOT_ENOUGH"
    response = downstream_admin.post("/admin/settings/sms/test-send", data={
        "destination": "13800138000", "template_code": "1001", "params": PARAMS_JSON},
        headers=ZH)
    assert "alert-success" in response.get_data(as_text=True)  # the upstream took it
    with downstream.app_context():
        last = db.session.scalar(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id.desc()))
        message_id = last.message_id
    status = message_status(upstream, message_id)
    assert (status["status"], status["error"]) == ("failed", "insufficient_balance")
    assert upstream_account(upstream).quota == 5


def test_an_upstream_that_switched_its_api_off_fails_over_downstream(upstream, downstream):
    settings.update({"api.reseller_enabled": False})
    with downstream.app_context():
        settings.update({"sms.fallbacks": "log"})
    delivery = send_downstream(downstream)
    assert delivery.ok and delivery.result.gateway == "log"
    first = delivery.attempts[0]
    assert (first.gateway, first.error, first.retryable) == ("upstream", "api_disabled", True)
    assert upstream.provider.sent == [] and upstream_account(upstream).quota == 5


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _disable(up: Upstream, downstream, monkeypatch) -> None:
    reseller_clients.set_active(up.account, False)


def _no_quota(up: Upstream, downstream, monkeypatch) -> None:
    reseller_clients.adjust_quota(up.account, -5)


def _only_other_template(up: Upstream, downstream, monkeypatch) -> None:
    make_template(number="2001", content="{{ code }}", variables=["code"])
    reseller_clients.update(up.account, "x", ["2001"], [], 60)


def _wrong_sign_key(up: Upstream, downstream, monkeypatch) -> None:
    configure(downstream, up.url, up.credentials, sign_key="not-the-sign-key")


def _wrong_api_key(up: Upstream, downstream, monkeypatch) -> None:
    configure(downstream, up.url, up.credentials, api_key="not-the-api-key")


def _unknown_member(up: Upstream, downstream, monkeypatch) -> None:
    configure(downstream, up.url, up.credentials, member_id="nobody")


def _stale_clock(up: Upstream, downstream, monkeypatch) -> None:
    _patch_headers(monkeypatch, timestamp=int(time.time()) - 400)


def _replayed_nonce(up: Upstream, downstream, monkeypatch) -> None:
    _patch_headers(monkeypatch, nonce="the-same-nonce-1")
    assert send_downstream(downstream).ok  # the first use of the nonce is accepted


def _daily_cap(up: Upstream, downstream, monkeypatch) -> None:
    settings.update({"member.daily_cap_phone": 1})
    assert send_downstream(downstream).ok


def _slow_member(up: Upstream, downstream, monkeypatch) -> None:
    reseller_clients.update(up.account, "x", [], [], 1)
    assert send_downstream(downstream).ok


def _patch_headers(monkeypatch, **overrides) -> None:
    import gateways.upstream as module

    original = module.signed_headers

    def patched(*args, **kwargs):
        return original(*args, **{**kwargs, **overrides})

    monkeypatch.setattr(module, "signed_headers", patched)


def _nothing(up: Upstream, downstream, monkeypatch) -> None:
    return None


def _api_switched_off(up: Upstream, downstream, monkeypatch) -> None:
    settings.update({"api.reseller_enabled": False})


def _address_not_allowed(up: Upstream, downstream, monkeypatch) -> None:
    settings.update({"api.allowed_ips": ["203.0.113.0/24"]})  # the downstream is 127.0.0.1


REFUSALS = [
    # (setup, test-send form, expected code)
    (_wrong_sign_key, {}, "auth_failed"),
    (_wrong_api_key, {}, "auth_failed"),
    (_unknown_member, {}, "auth_failed"),
    (_stale_clock, {}, "request_expired"),
    (_replayed_nonce, {}, "nonce_replayed"),
    (_disable, {}, "client_disabled"),
    (_no_quota, {}, "quota_exhausted"),
    (_only_other_template, {}, "template_not_allowed"),
    (_nothing, {"template_code": ""}, "template_number_missing"),
    (_nothing, {"template_code": "9999"}, "unknown_template"),
    (_nothing, {"destination": "+85261234567"}, "invalid_phone"),
    (_nothing, {"params": '{"code": "1"}'}, "template_params_invalid"),
    (_daily_cap, {}, "code_limit"),
    (_slow_member, {}, "rate_limited"),
    (_api_switched_off, {}, "api_disabled"),
    (_address_not_allowed, {}, "ip_not_allowed"),
]


@pytest.mark.parametrize("setup, form, code", REFUSALS,
                         ids=[f"{code}-{setup.__name__}" for setup, _f, code in REFUSALS])
def test_refusals_reach_the_downstream_test_send_with_their_fix(
        upstream, downstream, downstream_admin, monkeypatch, setup, form, code):
    setup(upstream, downstream, monkeypatch)
    nonces_before = _nonce_count()
    data = {"destination": "13800138000", "template_code": "1001", "params": PARAMS_JSON,
            **form}
    response = downstream_admin.post("/admin/settings/sms/test-send", data=data, headers=ZH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<code>{code}</code>" in html, html[html.find("send-result") - 50:][:800]
    assert catalog.message(code, "zh_CN") in html
    assert catalog.fix(code, "zh_CN") in html
    with downstream.app_context():
        last = db.session.scalar(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id.desc()))
        assert (last.gateway, last.error, last.test) == ("upstream", code, True)
    if code == "template_number_missing":  # the seed's case: refused before any request
        assert _nonce_count() == nonces_before


def _nonce_count() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.count()).select_from(ReplayKey)
                             .where(ReplayKey.namespace == NONCES))


def test_the_upstream_refuses_an_empty_template_number_itself(upstream, downstream):
    with downstream.app_context():
        result = messaging.build_gateway("sms", "upstream").call(
            {"phone": "+8613800138000", "template_number": "", "params": PARAMS})
    assert (result.error, result.raw_code) == ("template_number_missing", "template_number_missing")
    assert upstream.provider.sent == [] and _nonce_count() == 1


def test_keys_in_the_query_string_are_refused(upstream, downstream):
    with downstream.app_context():
        gateway = messaging.build_gateway("sms", "upstream")
        response = requests.post(upstream.url + "/api/sms/send?api_key="
                                 + upstream.credentials.api_key, json={}, timeout=5)
        result = gateway._result(response)
    assert (result.error, result.retryable) == ("query_not_allowed", False)
    assert db.session.scalar(db.select(ApiClient)).last_used_at is None
