"""The reseller quota: atomic under concurrency, refunded only when nothing went out."""

from __future__ import annotations

import socket
import threading

import pytest

from core import settings
from extensions import db
from models import ResellerAccount
from services.reseller import clients as reseller_clients
from services.reseller import quota as reseller_quota
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer, Reply
from tests.reseller.conftest import attempts, body, post, quota_of

ALIYUN = {"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "LTAI-test",
          "sms.aliyun.access_key_secret": "s3cr3t", "sms.aliyun.sign_name": "Herald"}


def test_concurrent_takes_never_go_below_zero(app, reseller):
    account, _credentials = reseller  # quota 5
    account_id = account.id
    results: list[bool] = []
    barrier = threading.Barrier(12)

    def take() -> None:
        with app.app_context():
            barrier.wait()
            ok = reseller_quota.take_one(account_id)
            db.session.commit()
            results.append(ok)
            db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True] * 5
    assert quota_of(account) == 0


def test_adjusting_below_zero_is_refused(app, reseller):
    account, _credentials = reseller
    assert reseller_clients.adjust_quota(account, -6) is None
    assert reseller_clients.adjust_quota(db.session.get(ResellerAccount, account.id), -5) == 0


@pytest.fixture
def aliyun():
    fake = AliyunFake({"LTAI-test": "s3cr3t"})
    with FakeServer(fake) as server:
        settings.update({**ALIYUN, "sms.aliyun.endpoint": server.url + "/"})
        yield fake


def test_a_provider_refusal_is_answered_with_its_code_and_refunded(api, reseller, aliyun):
    account, credentials = reseller
    aliyun.force_code = "isv.AMOUNT_NOT_ENOUGH"
    response = post(api, credentials, body())
    data = response.get_json()
    assert (response.status_code, data["code"], data["retryable"]) == (
        502, "insufficient_balance", False)
    assert data["quota_remaining"] == 5 == quota_of(account)
    row = db.session.get(ResellerAccount, account.id)
    assert (row.sent_count, row.failed_count) == (0, 1)
    [attempt] = attempts()
    assert (attempt.api_client_id, attempt.error) == (account.api_client_id,
                                                      "insufficient_balance")


def test_a_provider_reached_sends_the_template_code_and_parameters(api, reseller, aliyun):
    assert post(api, reseller[1], body()).status_code == 200
    sent = aliyun.sent[0]
    assert (sent["TemplateCode"], sent["PhoneNumbers"]) == ("SMS_154950909", "13800138000")


def test_an_unreachable_provider_is_retryable_and_refunded(api, reseller):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.update({**ALIYUN, "sms.aliyun.endpoint": f"http://127.0.0.1:{port}/"})
    account, credentials = reseller
    data = post(api, credentials, body()).get_json()
    assert (data["code"], data["retryable"]) == ("unreachable", True)
    assert quota_of(account) == 5


def test_a_timeout_may_have_sent_so_it_is_charged_and_not_retryable(api, reseller):
    with FakeServer(lambda request: Reply.stalled(5)) as server:
        settings.update({**ALIYUN, "sms.aliyun.endpoint": server.url + "/",
                         "sms.read_timeout": 0.5})
        account, credentials = reseller
        data = post(api, credentials, body()).get_json()
    assert (data["code"], data["retryable"]) == ("timeout", False)
    assert quota_of(account) == 4
