"""POST /api/sms/send on the upstream: sending, idempotency, every refusal, quota, limits.

Tests run the queue inline (HERALD_QUEUE=immediate): a queued message is delivered before
the request returns (test_queued_send.py holds the hand-over to see the answer first)."""

from __future__ import annotations

import json
import time

import pytest

from core import catalog, crypto, settings
from extensions import db
from models import KIND_EVENTS, ApiClient, OutboxMessage, ResellerAccount, ResellerRequest
from models.queue import Outgoing
from services.reseller import clients as reseller_clients
from tests.reseller.conftest import (
    PARAMS,
    PHONE,
    attempts,
    body,
    make_reseller,
    make_template,
    post,
    quota_of,
)

EN = {"Accept-Language": "en"}


def queued_rows() -> list[Outgoing]:
    db.session.rollback()
    return list(db.session.scalars(db.select(Outgoing).order_by(Outgoing.id)))


def test_send_goes_through_the_upstreams_gateway_and_is_attributed(api, reseller):
    account, credentials = reseller
    response = post(api, credentials, body())
    data = response.get_json()
    assert response.status_code == 202, data
    assert data["code"] == "ok" and data["quota_remaining"] == 4 and data["message_id"]
    [attempt] = attempts()
    assert (attempt.gateway, attempt.status, attempt.purpose, attempt.destination) == (
        "log", "sent", "reseller:1001", PHONE)
    assert attempt.api_client_id == account.api_client_id
    outbox = db.session.scalar(db.select(OutboxMessage))
    assert crypto.decrypt(outbox.content) == "您的验证码是123456，10分钟内有效。"
    row = db.session.get(ResellerAccount, account.id)
    assert (row.quota, row.sent_count, row.failed_count) == (4, 1, 0)
    assert row.client.last_used_at is not None


def test_other_sends_are_not_attributed_to_a_reseller(api, reseller):
    from gateways.base import Message
    from services.delivery import messaging

    post(api, reseller[1], body())
    messaging.send("sms", Message(to=PHONE, content="hi", purpose="register"))
    assert [a.api_client_id is None for a in attempts()] == [False, True]


def test_the_same_idempotency_key_returns_the_first_answer_and_sends_once(api, reseller):
    account, credentials = reseller
    payload = body(idempotency_key="order-42")
    first = post(api, credentials, payload)
    again = post(api, credentials, dict(reversed(list(payload.items()))))  # new nonce, same body
    assert again.status_code == first.status_code == 202
    assert again.get_json() == first.get_json()  # "queued" still: the first answer, unchanged
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(attempts()) == len(queued_rows()) == 1 and quota_of(account) == 4


def test_a_reused_key_with_another_body_is_refused(api, reseller):
    _account, credentials = reseller
    post(api, credentials, body(idempotency_key="k-1"))
    response = post(api, credentials, body(idempotency_key="k-1", phone="+8613900139000"))
    assert (response.status_code, response.get_json()["code"]) == (409, "idempotency_key_reused")
    assert len(attempts()) == 1


def test_a_key_still_being_sent_answers_in_progress(api, reseller):
    account, credentials = reseller
    payload = body(idempotency_key="slow-1")
    from services.reseller.requests import body_hash

    db.session.add(ResellerRequest(api_client_id=account.api_client_id,
                                   idempotency_key="slow-1", body_hash=body_hash(payload)))
    db.session.commit()
    response = post(api, credentials, payload)
    assert (response.status_code, response.get_json()["code"]) == (409, "request_in_progress")
    assert attempts() == []


def test_refused_requests_are_not_stored_so_a_fixed_retry_can_send(api, reseller):
    account, credentials = reseller
    payload = body(idempotency_key="retry-1")
    reseller_clients.adjust_quota(account, -5)
    assert post(api, credentials, payload).get_json()["code"] == "quota_exhausted"
    reseller_clients.adjust_quota(db.session.get(ResellerAccount, account.id), 1)
    assert post(api, credentials, payload).get_json()["code"] == "ok"


def _refusal(response, status: int, code: str) -> dict:
    data = response.get_json()
    assert (response.status_code, data["code"]) == (status, code), data
    assert data["message"] == catalog.message(code, "en")
    assert data["fix"] == catalog.fix(code, "en")
    return data


@pytest.mark.parametrize("change, status, code", [
    ({"X-Herald-Signature": "0" * 64}, 401, "auth_failed"),
    ({"X-Herald-Api-Key": "wrong-key"}, 401, "auth_failed"),
    ({"X-Herald-Client": "nobody"}, 401, "auth_failed"),
    ({"X-Herald-Signature": ""}, 401, "auth_failed"),
    ({"X-Herald-Signature": "ä" * 64}, 401, "auth_failed"),
])
def test_bad_credentials_are_refused(api, reseller, change, status, code):
    account, credentials = reseller
    _refusal(post(api, credentials, body(), **change, **EN), status, code)
    assert attempts() == [] and quota_of(account) == 5


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_timestamp_outside_300_seconds_is_refused(api, reseller, skew):
    _refusal(post(api, reseller[1], body(), timestamp=int(time.time()) + skew, **EN),
             401, "request_expired")
    assert attempts() == []


def test_a_malformed_nonce_is_refused(api, reseller):
    _refusal(post(api, reseller[1], body(), nonce="short", **EN), 400, "bad_request")


def test_a_replayed_nonce_is_refused(api, reseller):
    _account, credentials = reseller
    assert post(api, credentials, body(), nonce="nonce-once-1").status_code == 202
    _refusal(post(api, credentials, body(), nonce="nonce-once-1", **EN), 401, "nonce_replayed")
    assert len(attempts()) == 1


def test_a_disabled_member_is_refused(api, reseller):
    account, credentials = reseller
    reseller_clients.set_active(account, False)
    _refusal(post(api, credentials, body(), **EN), 403, "client_disabled")


def test_an_events_client_cannot_use_the_reseller_api(api, reseller):
    _account, credentials = reseller
    db.session.scalar(db.select(ApiClient)).kind = KIND_EVENTS
    db.session.commit()
    _refusal(post(api, credentials, body(), **EN), 401, "auth_failed")


@pytest.mark.parametrize("query", ["api_key={key}", "X-Herald-Api-Key={key}", "token={key}",
                                   "a=1"])
def test_any_query_string_is_refused_and_nothing_is_charged(api, reseller, query):
    account, credentials = reseller
    path = "/api/sms/send?" + query.format(key=credentials.api_key)
    _refusal(post(api, credentials, body(), path=path, **EN), 400, "query_not_allowed")
    assert attempts() == [] and quota_of(account) == 5


def test_an_exhausted_quota_is_refused(api, app, template):
    account, credentials = make_reseller(quota=1)
    assert post(api, credentials, body()).status_code == 202
    data = _refusal(post(api, credentials, body(), **EN), 402, "quota_exhausted")
    assert data["detail"]
    assert len(attempts()) == 1 and quota_of(account) == 0


def test_a_template_the_member_may_not_use_is_refused(api, app, template):
    make_template(number="2001", content="{{ code }}", variables=["code"])
    _account, credentials = make_reseller(templates=["2001"])
    _refusal(post(api, credentials, body(), **EN), 403, "template_not_allowed")
    assert post(api, credentials, body(template_number="2001")).status_code == 202


@pytest.mark.parametrize("number", [..., None, "", "   "])
def test_a_missing_template_number_is_refused(api, reseller, number):
    _refusal(post(api, reseller[1], body(template_number=number), **EN), 422,
             "template_number_missing")
    assert attempts() == []


def test_a_template_number_may_be_a_json_number(api, reseller):
    assert post(api, reseller[1], body(template_number=1001)).get_json()["code"] == "ok"


@pytest.mark.parametrize("number", ["9999", "x" * 40, "\ud800", "1001\x00", "10 01", "1001\n2"])
def test_an_unknown_template_is_refused(api, reseller, number):
    _refusal(post(api, reseller[1], body(template_number=number), **EN), 404, "unknown_template")


def test_a_disabled_template_is_unknown(api, reseller, template):
    template.enabled = False
    db.session.commit()
    _refusal(post(api, reseller[1], body(), **EN), 404, "unknown_template")


@pytest.mark.parametrize("phone", [..., "", "123", "+8612345", 13800138000, "+85261234567"])
def test_an_invalid_or_not_allowed_phone_is_refused(api, reseller, phone):
    _refusal(post(api, reseller[1], body(phone=phone), **EN), 422, "invalid_phone")
    assert attempts() == []


def test_a_members_own_countries_replace_the_member_setting(api, app, template):
    _account, credentials = make_reseller(countries=["HK"])
    assert post(api, credentials, body(phone="+85261234567")).status_code == 202
    _refusal(post(api, credentials, body(), **EN), 422, "invalid_phone")


@pytest.mark.parametrize("params", [
    {}, {"code": "1"}, ["123456"], {"code": ["1"], "minutes": "1"}, {"code": True, "minutes": 1},
    {"code": "1\r\n2", "minutes": "1"}, {"code": "9" * 201, "minutes": "1"},
])
def test_bad_parameters_are_refused(api, reseller, params):
    _refusal(post(api, reseller[1], body(params=params), **EN), 422, "template_params_invalid")


def test_numbers_are_accepted_as_parameters_and_extras_dropped(api, reseller):
    response = post(api, reseller[1], body(params={**PARAMS, "minutes": 5, "extra": "x"}))
    assert response.status_code == 202
    outbox = db.session.scalar(db.select(OutboxMessage))
    assert crypto.decrypt(outbox.content) == "您的验证码是123456，5分钟内有效。"


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00",
                                 b"[" * 10000, b'{"phone": ' + b"9" * 5000 + b"}"])
def test_malformed_bodies_are_bad_requests(api, reseller, raw):
    _refusal(post(api, reseller[1], raw, **EN), 400, "bad_request")


@pytest.mark.parametrize("key", ["with space", "trailing-newline\n", "", "k" * 65, 42])
def test_a_bad_idempotency_key_is_refused(api, reseller, key):
    _refusal(post(api, reseller[1], body(idempotency_key=key), **EN), 400, "bad_request")


def test_an_oversized_body_is_refused(api, reseller):
    response = post(api, reseller[1], body(params={"code": "1" * 20000}), **EN)
    assert response.status_code == 413 and response.get_json()["code"] == "bad_request"


def test_answers_speak_the_callers_language(api, reseller):
    response = post(api, reseller[1], body(template_number=""),
                    **{"Accept-Language": "zh-CN"})
    assert response.get_json()["message"] == "模板编号不能为空"


def test_a_phones_daily_cap_counts_reseller_sends(api, reseller):
    account, credentials = reseller
    settings.update({"member.daily_cap_phone": 1})
    assert post(api, credentials, body()).status_code == 202
    _refusal(post(api, credentials, body(), **EN), 429, "code_limit")
    assert post(api, credentials, body(phone="+8613900139000")).status_code == 202
    assert quota_of(account) == 3  # the refused send cost nothing


def test_the_per_member_rate_limit_counts_only_signed_requests(api, app, template):
    _account, credentials = make_reseller(rate=2)
    for _ in range(3):  # a stranger who knows the member ID cannot use up its budget
        assert post(api, credentials, body(), **{"X-Herald-Signature": "0" * 64}
                    ).status_code == 401
    assert post(api, credentials, body()).status_code == 202
    assert post(api, credentials, body()).status_code == 202
    response = post(api, credentials, body())
    assert (response.status_code, response.get_json()["code"]) == (429, "rate_limited")


def test_get_is_not_allowed(api):
    response = api.get("/api/sms/send")
    assert response.status_code == 405 and response.get_json()["code"] == "bad_request"


def test_json_answers_are_never_cached(api, reseller):
    assert post(api, reseller[1], body()).headers["Cache-Control"] == "no-store"


def test_stored_answer_has_no_words(api, reseller):
    post(api, reseller[1], body(idempotency_key="k-words"))
    stored = db.session.scalar(db.select(ResellerRequest))
    assert stored.status == 202 and stored.answer["code"] == "ok"
    assert "message" not in stored.answer  # words follow the language of each caller
    assert json.dumps(stored.answer)


def test_a_racing_claim_of_the_same_key_waits_then_gets_the_first_answer(app, reseller):
    from services.reseller.requests import Answer, Refusal, Replayed, claim, complete

    client_id = reseller[0].api_client_id
    first = claim(client_id, "race-1", "digest")
    with pytest.raises(Refusal) as waiting:
        claim(client_id, "race-1", "digest")
    assert waiting.value.code == "request_in_progress"
    complete(first, Answer(202, "ok", {"message_id": "m-1"}))
    db.session.commit()  # the send commits the answer with its queued message
    with pytest.raises(Replayed) as replayed:
        claim(client_id, "race-1", "digest")
    assert (replayed.value.answer.code, replayed.value.answer.data) == ("ok", {"message_id": "m-1"})
    with pytest.raises(Refusal) as reused:
        claim(client_id, "race-1", "other digest")
    assert reused.value.code == "idempotency_key_reused"
