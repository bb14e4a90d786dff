"""POST /api/sms/send answers before any gateway is called: the message is charged, queued
and answered in one transaction, and the worker sends it once."""

from __future__ import annotations

import pytest

from core.queue import QueueUnavailable
from extensions import db, queue
from models.queue import KIND_RESELLER, OUT_QUEUED, OUT_SENT, Outgoing
from services.delivery import outgoing, sweep, tasks
from tests.reseller.conftest import PHONE, attempts, body, post, quota_of


def queued_rows() -> list[Outgoing]:
    db.session.rollback()
    return list(db.session.scalars(db.select(Outgoing).order_by(Outgoing.id)))


@pytest.fixture
def held(monkeypatch):
    """The hand-over to the queue held back: its ids, for the test to deliver by hand."""
    ids: list[int] = []
    monkeypatch.setattr(outgoing, "hand_over", lambda given, due_at=None: ids.extend(given))
    return ids


def test_the_answer_comes_before_any_gateway_call_and_charges_once(api, reseller, held):
    account, credentials = reseller
    response = post(api, credentials, body())
    data = response.get_json()
    assert response.status_code == 202, data
    assert (data["code"], data["status"], data["quota_remaining"]) == ("ok", "queued", 4)
    [row] = queued_rows()
    assert held == [row.id] and data["message_id"] == str(row.id)
    assert (row.status, row.kind, row.api_client_id, row.destination, row.purpose) == (
        OUT_QUEUED, KIND_RESELLER, account.api_client_id, PHONE, "reseller:1001")
    assert attempts() == [] and quota_of(account) == 4  # charged with the queued message
    tasks.deliver(row.id)
    tasks.deliver(row.id)  # a second copy of the task finds nothing to claim
    assert [a.status for a in attempts()] == ["sent"] and quota_of(account) == 4
    assert queued_rows()[0].status == OUT_SENT


def test_a_queue_that_cannot_take_the_message_still_answers_and_the_sweep_sends(
        api, reseller, monkeypatch):
    account, credentials = reseller

    def down(name, *args, eta=None):
        raise QueueUnavailable("redis is restarting")

    monkeypatch.setattr(queue, "enqueue", down)
    response = post(api, credentials, body())
    assert response.status_code == 202 and response.get_json()["status"] == "queued"
    monkeypatch.undo()
    sweep.sweep()
    assert [a.status for a in attempts()] == ["sent"] and quota_of(account) == 4


def test_a_failed_write_charges_nothing_and_frees_the_key_for_a_retry(api, reseller, monkeypatch):
    account, credentials = reseller
    payload = body(idempotency_key="order-9")

    def broken(*args, **kwargs):
        raise RuntimeError("the database refused the insert")

    monkeypatch.setattr(outgoing, "add", broken)
    failed = post(api, credentials, payload)
    assert (failed.status_code, failed.get_json()["code"]) == (500, "server_error")
    assert quota_of(account) == 5 and queued_rows() == []
    monkeypatch.undo()
    response = post(api, credentials, payload)
    assert response.status_code == 202 and "Idempotent-Replayed" not in response.headers
    assert quota_of(account) == 4 and len(attempts()) == 1
