"""Real answers of the signed APIs validate against docs/openapi.json: schema, status and
headers, for every operation, accepted and refused alike."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from core import crypto, settings
from core.signing import hash_api_key, signed_headers
from extensions import db
from models import KIND_EVENTS, ApiClient, Member
from services.reseller import clients as reseller_clients
from tests.fakes.httpserver import FakeServer, Reply
from tests.reseller.conftest import body, get, make_reseller, post
from tests.reseller.openapi import EVENTS, JOBS, SMS, SMS_STATUS, check


def message_path(message_id: str) -> str:
    return SMS_STATUS.replace("{message_id}", message_id)


def test_real_sms_answers_match_the_document(api, reseller, template):
    account, credentials = reseller
    first = post(api, credentials, body(idempotency_key="doc-1"))
    assert first.status_code == 202 and check(first, SMS)["status"] == "queued"
    replay = post(api, credentials, body(idempotency_key="doc-1"))
    assert check(replay, SMS)["code"] == "ok" and replay.headers["Idempotent-Replayed"] == "true"
    status = get(api, credentials, message_path(first.get_json()["message_id"]))
    assert status.status_code == 200 and check(status, SMS_STATUS)["status"] == "sent"
    for code, answer in [
        (404, get(api, credentials, message_path("999999"))),
        (404, get(api, credentials, message_path("x"))),
        (401, get(api, credentials, message_path("1"), **{"X-Herald-Signature": "0" * 64})),
    ]:
        assert answer.status_code == code
        check(answer, SMS_STATUS)
    for status, answer in [
        (401, post(api, credentials, body(), **{"X-Herald-Signature": "0" * 64})),
        (400, post(api, credentials, b"[]")),
        (422, post(api, credentials, body(template_number=""))),
        (422, post(api, credentials, body(phone="+85261234567"))),
        (422, post(api, credentials, body(params={}))),
        (404, post(api, credentials, body(template_number="404"))),
        (409, post(api, credentials, body(idempotency_key="doc-1", phone="+8613900139000"))),
        (413, post(api, credentials, body(params={"code": "x" * 17000}))),
    ]:
        assert answer.status_code == status
        check(answer, SMS)
    reseller_clients.adjust_quota(account, -4)
    check(post(api, credentials, body()), SMS)  # 402 quota_exhausted
    reseller_clients.set_active(account, False)
    assert check(post(api, credentials, body()), SMS)["code"] == "client_disabled"


def test_a_gateway_failure_and_rate_limits_match_the_document(api, app, template):
    _account, credentials = make_reseller(rate=1)
    with FakeServer(lambda request: Reply.text("down", 503)) as server:
        settings.update({"sms.gateway": "aliyun", "sms.aliyun.access_key_id": "k",
                         "sms.aliyun.access_key_secret": "s", "sms.aliyun.sign_name": "H",
                         "sms.aliyun.endpoint": server.url + "/", "sms.max_tries": 1})
        accepted = post(api, credentials, body())
    assert accepted.status_code == 202 and check(accepted, SMS)["code"] == "ok"
    status = get(api, credentials, message_path(accepted.get_json()["message_id"]))
    data = check(status, SMS_STATUS)
    assert (data["status"], data["error"]) == ("failed", "unreachable")
    limited = post(api, credentials, body())
    assert limited.status_code == 429 and check(limited, SMS)["code"] == "rate_limited"
    polled = get(api, credentials, message_path(data["message_id"]))
    assert polled.status_code == 429 and check(polled, SMS_STATUS)["code"] == "rate_limited"


@pytest.fixture
def events_client(app):
    api_key, sign_key = "events-api-key-0123456789", "events-sign-key-0123456789"
    db.session.add(ApiClient(client_id="e1", kind=KIND_EVENTS, api_key_hash=hash_api_key(api_key),
                             sign_key=crypto.encrypt(sign_key)))
    db.session.add(Member(phone="+8613800138000", email="m@example.com"))
    db.session.commit()
    return reseller_clients.Credentials("e1", api_key, sign_key)


def fire(client, credentials, payload: dict, **changes):
    raw = json.dumps(payload).encode()
    headers = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                             "POST", EVENTS, raw, nonce=uuid.uuid4().hex)
    headers.update(changes)
    return client.post(EVENTS, data=raw, headers=headers)


def job_path(job_id: str) -> str:
    return JOBS.replace("{job_id}", job_id)


VARIABLES = {"title": "Maintenance", "body": "Friday 02:00-04:00"}


def test_real_event_answers_match_the_document(api, events_client):
    member_id = db.session.scalar(db.select(Member.id))
    ok = fire(api, events_client, {"event": "push_notice", "member_id": member_id,
                                   "variables": VARIABLES})
    assert ok.status_code == 202 and check(ok, EVENTS)["channels"]
    for status, answer in [
        (404, fire(api, events_client, {"event": "nope", "member_id": member_id})),
        (404, fire(api, events_client, {"event": "push_notice", "member_id": 999999,
                                        "variables": VARIABLES})),
        (422, fire(api, events_client, {"event": "push_notice", "member_id": member_id})),
        (422, fire(api, events_client, {"event": "push_notice", "members": "all"})),
        (400, fire(api, events_client, {"event": ""})),
        (400, fire(api, events_client, {"event": "push_notice", "members": [],
                                        "variables": VARIABLES})),
        (400, fire(api, events_client, {"event": "push_notice", "members": "all",
                                        "member_id": member_id, "variables": VARIABLES})),
        (400, fire(api, events_client, {"event": "push_notice", "member_id": member_id,
                                        "variables": VARIABLES,
                                        "send_at": "2026-12-24T09:00:00"})),
        (401, fire(api, events_client, {"event": "push_notice"},
                   **{"X-Herald-Signature": "0" * 64})),
    ]:
        assert answer.status_code == status, answer.get_json()
        check(answer, EVENTS)


def test_real_broadcast_and_job_answers_match_the_document(api, events_client):
    member_id = db.session.scalar(db.select(Member.id))
    everyone = fire(api, events_client, {"event": "push_notice", "members": "all",
                                         "variables": VARIABLES})
    assert everyone.status_code == 202
    data = check(everyone, EVENTS)
    assert (data["audience"], data["members"]["total"]) == ("all", 1)
    later = fire(api, events_client, {"event": "push_notice", "members": [member_id, 424242],
                                      "variables": VARIABLES, "send_at": int(time.time()) + 3600})
    assert later.status_code == 202 and check(later, EVENTS)["status"] == "queued"
    for job_id, expected in [(data["job_id"], "done"), (later.get_json()["job_id"], "queued")]:
        progress = get(api, events_client, job_path(job_id))
        assert progress.status_code == 200 and check(progress, JOBS)["status"] == expected
    one = fire(api, events_client, {"event": "push_notice", "member_id": member_id,
                                    "variables": VARIABLES})
    progress = get(api, events_client, job_path(one.get_json()["job_id"]))
    assert check(progress, JOBS)["audience"] == "member"
    for status, answer in [
        (404, get(api, events_client, job_path("0" * 32))),
        (404, get(api, events_client, job_path("not-a-job"))),
        (401, get(api, events_client, job_path(data["job_id"]),
                  **{"X-Herald-Signature": "0" * 64})),
    ]:
        assert answer.status_code == status, answer.get_json()
        assert check(answer, JOBS)["code"] in ("job_not_found", "auth_failed")


def test_refusals_of_the_api_tab_match_the_document(api, reseller, events_client):
    _account, credentials = reseller
    settings.update({"api.reseller_enabled": False, "api.events_enabled": False})
    off = post(api, credentials, body())
    assert off.status_code == 503 and check(off, SMS)["code"] == "api_disabled"
    assert check(off, SMS)["retryable"] is True
    off = fire(api, events_client, {"event": "push_notice"})
    assert off.status_code == 503 and check(off, EVENTS)["code"] == "api_disabled"
    for path, answer in [(SMS_STATUS, get(api, credentials, message_path("1"))),
                         (JOBS, get(api, events_client, job_path("0" * 32)))]:
        assert answer.status_code == 503 and check(answer, path)["code"] == "api_disabled"
    settings.update({"api.allowed_ips": ["203.0.113.10"]})  # the test client is 127.0.0.1
    for path, answer in [(SMS, post(api, credentials, body())),
                         (EVENTS, fire(api, events_client, {"event": "push_notice"})),
                         (SMS_STATUS, get(api, credentials, message_path("1"))),
                         (JOBS, get(api, events_client, job_path("0" * 32)))]:
        assert answer.status_code == 403 and check(answer, path)["code"] == "ip_not_allowed"
