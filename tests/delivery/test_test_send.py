"""Test send (gateway tabs and the template editor): synchronous, never through the queue,
and held to its own short timeouts whatever the channel's timeouts say."""

from __future__ import annotations

import pytest

from core import settings
from extensions import db, queue
from models import DeliveryAttempt
from models.queue import Outgoing
from services.delivery import messaging, outgoing
from tests.diagnostics.helpers import store_unchecked
from tests.fakes.httpserver import FakeServer, Reply

EN = {"Accept-Language": "en"}
SMSBAO = {"sms.gateway": "smsbao", "sms.smsbao.username": "u", "sms.smsbao.password": "p",
          "sms.smsbao.signature": "Herald"}
EDITOR = "/admin/templates/server_opened/sms/en"


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    auth.confirm_protection()
    return client


def recorded_as_tests() -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.test.is_(True)).order_by(DeliveryAttempt.id)))


def test_the_short_timeouts_cap_the_channels_and_only_for_a_test(app):
    settings.update({"sms.connect_timeout": 20, "sms.read_timeout": 60})
    assert messaging.options("sms")["timeout"] == (20, 60)
    assert messaging.options("sms", test=True)["timeout"] == messaging.TEST_TIMEOUT == (3, 10)
    settings.update({"sms.connect_timeout": 1, "sms.read_timeout": 2})
    assert messaging.options("sms", test=True)["timeout"] == (1, 2)  # shorter ones stay
    store_unchecked(SMSBAO)
    assert messaging.build_gateway("sms", "smsbao", test=True).timeout == (1, 2)


@pytest.fixture
def slow_provider(app, monkeypatch):
    """SMSBao answering after 30 s, the channel allowed 60 s, the Test send 0.5 s."""
    monkeypatch.setattr(messaging, "TEST_TIMEOUT", (1.0, 0.5))
    with FakeServer(lambda request: Reply.stalled(30)) as provider:
        store_unchecked({**SMSBAO, "sms.smsbao.endpoint": provider.url + "/",
                         "sms.read_timeout": 60.0})
        yield


@pytest.mark.parametrize("url, form", [
    ("/admin/settings/sms/test-send", {"destination": "13800138000"}),
    (EDITOR, {"text": "Test {{ server_name }}", "destination": "13800138000", "test": "1"}),
])
def test_a_test_send_gives_up_after_its_own_read_timeout(signed_in, slow_provider, url, form):
    html = signed_in.post(url, data=form, headers=EN).get_data(as_text=True)
    assert "send-result" in html and "timeout" in html
    [attempt] = recorded_as_tests()
    assert (attempt.gateway, attempt.error, attempt.raw_code) == (
        "smsbao", "timeout", "read_timeout")


@pytest.mark.parametrize("url, form", [
    ("/admin/settings/sms/test-send", {"destination": "13800138000"}),
    (EDITOR, {"text": "Test {{ server_name }}", "destination": "13800138000", "test": "1"}),
])
def test_a_test_send_never_goes_through_the_queue(signed_in, monkeypatch, url, form):
    def refuse(*args, **kwargs):
        raise AssertionError("a Test send must not be queued")

    def queued() -> int:  # signing in queued the admin's sign-in notice
        return db.session.scalar(db.select(db.func.count()).select_from(Outgoing))

    before = queued()
    monkeypatch.setattr(queue, "enqueue", refuse)
    monkeypatch.setattr(outgoing, "add", refuse)
    html = signed_in.post(url, data=form, headers=EN).get_data(as_text=True)
    assert "send-result" in html and "alert-success" in html  # the exact result, at once
    [attempt] = recorded_as_tests()
    assert (attempt.gateway, attempt.status) == ("log", "sent")
    assert queued() == before
