"""The reseller quota: atomic under concurrency, charged once when the message is queued,
given back by the worker's outcome only when nothing went out."""

from __future__ import annotations

import socket
import threading

import pytest

from core import settings
from extensions import db
from models import ResellerAccount
from models.queue import OUT_FAILED, OUT_QUEUED, OUT_UNKNOWN, Outgoing
from services.delivery import outgoing, sweep
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


def queued_row() -> Outgoing:
    db.session.expire_all()
    return db.session.scalar(db.select(Outgoing).order_by(Outgoing.id.desc()))


def usage(account: ResellerAccount) -> tuple[int, int, int]:
    db.session.rollback()
    row = db.session.get(ResellerAccount, account.id, populate_existing=True)
    return row.quota, row.sent_count, row.failed_count


def accepted(response) -> dict:
    data = response.get_json()
    assert (response.status_code, data["code"], data["status"]) == (202, "ok", "queued"), data
    return data


def test_a_provider_refusal_is_refunded_by_the_outcome(api, reseller, aliyun):
    account, credentials = reseller
    aliyun.force_code = "isv.AMOUNT_NOT_ENOUGH"
    data = accepted(post(api, credentials, body()))
    assert data["quota_remaining"] == 4  # charged when queued; the worker's outcome refunds
    assert usage(account) == (5, 0, 1)
    [attempt] = attempts()
    assert (attempt.api_client_id, attempt.error) == (account.api_client_id,
                                                      "insufficient_balance")
    assert (queued_row().status, queued_row().error) == (OUT_FAILED, "insufficient_balance")


def test_a_sent_message_stays_charged_and_is_counted(api, reseller, aliyun):
    account, credentials = reseller
    accepted(post(api, credentials, body()))
    assert usage(account) == (4, 1, 0)
    sent = aliyun.sent[0]
    assert (sent["TemplateCode"], sent["PhoneNumbers"]) == ("SMS_154950909", "13800138000")


@pytest.fixture
def refused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.update({**ALIYUN, "sms.aliyun.endpoint": f"http://127.0.0.1:{port}/"})


def test_an_unreachable_provider_is_retried_charged_meanwhile_then_refunded_once(
        api, reseller, refused_port, frozen):
    account, credentials = reseller
    settings.update({"sms.max_tries": 2})
    accepted(post(api, credentials, body()))
    row = queued_row()
    assert (row.status, row.tries, row.error) == (OUT_QUEUED, 1, "unreachable")
    assert usage(account) == (4, 0, 0)  # waiting for its second try: still charged
    frozen.move(seconds=(row.due_at - frozen.now).total_seconds())
    sweep.sweep()
    assert (queued_row().status, queued_row().tries) == (OUT_FAILED, 2)
    assert [a.error for a in attempts()] == ["unreachable", "unreachable"]
    assert usage(account) == (5, 0, 1)  # refunded once, counted once
    sweep.sweep()
    assert usage(account) == (5, 0, 1)


def test_a_timeout_may_have_sent_so_it_is_charged(api, reseller):
    with FakeServer(lambda request: Reply.stalled(5)) as server:
        settings.update({**ALIYUN, "sms.aliyun.endpoint": server.url + "/",
                         "sms.read_timeout": 0.5, "sms.max_tries": 3})
        account, credentials = reseller
        accepted(post(api, credentials, body()))
    assert (queued_row().status, queued_row().error, queued_row().tries) == (
        OUT_FAILED, "timeout", 1)  # never retried
    assert usage(account) == (4, 0, 1)


def test_a_worker_that_died_while_sending_leaves_the_message_charged(
        api, reseller, monkeypatch):
    account, credentials = reseller
    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    accepted(post(api, credentials, body()))
    monkeypatch.undo()
    assert outgoing.claim(queued_row().id, "otherbox:4242:dead") is not None
    sweep.sweep()
    assert queued_row().status == OUT_UNKNOWN
    assert usage(account) == (4, 0, 1) and attempts() == []


def test_a_message_that_expired_in_the_queue_was_never_sent_so_it_is_refunded(app, reseller):
    from core import clock
    from gateways.base import Message
    from services.reseller import messages

    account, _credentials = reseller
    reseller_quota.take_one(account.id)
    row_id = outgoing.add("sms", Message(to="+8613800138000", content="x"),
                          kind="reseller", api_client_id=account.api_client_id,
                          expires_at=clock.now(), extra=messages.beside(account.id))
    db.session.commit()
    outgoing.hand_over([row_id])
    assert (queued_row().status, queued_row().error) == (OUT_FAILED, "code_expired")
    assert usage(account) == (5, 0, 1) and attempts() == []
