"""GET /api/sms/messages/<id>: what became of a queued reseller message, for its sender only."""

from __future__ import annotations

import pytest

from core import settings
from extensions import db
from models import DeliveryAttempt
from models.queue import Outgoing
from services.codes import sending
from services.codes.issue import CodeRequest
from services.delivery import outgoing
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer
from tests.reseller.conftest import PHONE, body, get, make_reseller, post

EN = {"Accept-Language": "en"}
ALIYUN = {"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "LTAI-test",
          "sms.aliyun.access_key_secret": "s3cr3t", "sms.aliyun.sign_name": "Herald"}


def status_path(message_id: str) -> str:
    return f"/api/sms/messages/{message_id}"


def sent_id(api, credentials) -> str:
    response = post(api, credentials, body())
    assert response.status_code == 202, response.get_json()
    return response.get_json()["message_id"]


def test_a_sent_message_shows_its_status_and_the_providers_id(api, reseller):
    _account, credentials = reseller
    message_id = sent_id(api, credentials)
    response = get(api, credentials, status_path(message_id))
    data = response.get_json()
    assert response.status_code == 200, data
    attempt = db.session.scalar(db.select(DeliveryAttempt))
    assert (data["code"], data["message_id"], data["status"], data["error"], data["tries"]) == (
        "ok", message_id, "sent", "", 1)
    assert data["provider_message_id"] == attempt.message_id != ""
    assert data["finished_at"] and data["created_at"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_message_still_waiting_is_queued(api, reseller, monkeypatch):
    _account, credentials = reseller
    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    data = get(api, credentials, status_path(sent_id(api, credentials))).get_json()
    assert (data["status"], data["tries"], data["provider_message_id"], data["finished_at"]) == (
        "queued", 0, "", None)


def test_a_failed_message_shows_its_catalog_code(api, reseller):
    _account, credentials = reseller
    fake = AliyunFake({"LTAI-test": "s3cr3t"})
    fake.force_code = "isv.AMOUNT_NOT_ENOUGH"
    with FakeServer(fake) as server:
        settings.update({**ALIYUN, "sms.aliyun.endpoint": server.url + "/"})
        data = get(api, credentials, status_path(sent_id(api, credentials))).get_json()
    assert (data["status"], data["error"], data["provider_message_id"]) == (
        "failed", "insufficient_balance", "")


@pytest.mark.parametrize("message_id", ["999999", "0", "-1", "abc", "1e3", "9" * 30, "١"])
def test_an_unknown_id_is_not_found(api, reseller, message_id):
    response = get(api, reseller[1], status_path(message_id), **EN)
    data = response.get_json()
    assert (response.status_code, data["code"]) == (404, "not_found") and data["detail"]


def test_another_members_message_is_not_found(api, app, template):
    _first, mine = make_reseller("r-mine")
    _second, theirs = make_reseller("r-theirs")
    message_id = sent_id(api, mine)
    assert get(api, theirs, status_path(message_id)).status_code == 404
    assert get(api, mine, status_path(message_id)).status_code == 200


def test_a_message_that_is_not_a_resellers_is_not_found(api, reseller):
    sending.send(CodeRequest("register", PHONE, "s:abc", ip="198.51.100.9"), "zh_CN")
    code_row = db.session.scalar(db.select(Outgoing))
    assert get(api, reseller[1], status_path(str(code_row.id))).status_code == 404


def test_an_unsigned_request_is_refused(api, reseller):
    message_id = sent_id(api, reseller[1])
    response = get(api, reseller[1], status_path(message_id), **{"X-Herald-Signature": "0" * 64})
    assert (response.status_code, response.get_json()["code"]) == (401, "auth_failed")
    assert api.get(status_path(message_id)).status_code == 401


def test_checking_on_messages_does_not_use_up_the_sends_of_a_minute(api, app, template):
    _account, credentials = make_reseller(rate=2)
    message_id = sent_id(api, credentials)
    for _ in range(2):
        assert get(api, credentials, status_path(message_id)).status_code == 200
    assert get(api, credentials, status_path(message_id)).status_code == 429  # its own budget
    assert post(api, credentials, body()).status_code == 202  # the send budget is untouched
