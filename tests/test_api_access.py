"""System → Global settings → API takes effect on both signed APIs (blueprints/api_access.py).

Each test calls the real endpoints, signed as docs/api.md says, from a chosen address.
"""

from __future__ import annotations

import json
import secrets
import time

import pytest

from core import settings
from core.signing import signed_headers
from extensions import db
from models import ApiClient, ReplayKey
from models.api_client import NONCES
from services.notify import api_clients as event_clients
from tests.gateways.conftest import dns  # noqa: F401  (autouse: no real DNS)
from tests.notify.conftest import SERVER_VARS, inbox, make_member
from tests.reseller.conftest import attempts, body, make_reseller, make_template, quota_of

EVENTS, SMS = "/api/events", "/api/sms/send"
EN = {"Accept-Language": "en"}
USED_NONCES = db.select(ReplayKey).where(ReplayKey.namespace == NONCES)


@pytest.fixture
def events_client(app):
    return event_clients.create("billing")


@pytest.fixture
def member(app):
    return make_member()


@pytest.fixture
def reseller(app):
    make_template()
    return make_reseller()


def call(client, path, credentials, payload, *, ip="192.0.2.1", timestamp=None, headers=None):
    """POST ``payload`` signed by ``credentials`` as if it came from ``ip``."""
    raw = json.dumps(payload).encode()
    signed = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                            "POST", path, raw, nonce=secrets.token_hex(8), timestamp=timestamp)
    return client.post(path, data=raw, headers={**signed, **EN, **(headers or {})}, csrf=False,
                       environ_base={"REMOTE_ADDR": ip})


def fire(client, credentials, member, **options):
    payload = {"event": "server_opened", "member_id": member.id, "variables": SERVER_VARS}
    return call(client, EVENTS, credentials, payload, **options)


def send(client, reseller, **options):
    return call(client, SMS, reseller[1], body(), **options)


def test_both_apis_are_on_by_default_for_any_address(client, events_client, member, reseller):
    assert fire(client, events_client, member, ip="198.51.100.200").status_code == 202
    assert send(client, reseller, ip="2001:db8::99").status_code == 202


def test_the_event_api_switched_off_refuses_and_sends_nothing(client, events_client, member,
                                                              reseller):
    settings.update({"api.events_enabled": False})
    response = fire(client, events_client, member)
    answer = response.get_json()
    assert response.status_code == 503 and answer["code"] == "api_disabled"
    assert answer["message"] == "This API is switched off" and "Global settings" in answer["fix"]
    assert response.headers["Cache-Control"] == "no-store"
    assert inbox() == [] and attempts() == []
    assert db.session.scalar(db.select(ApiClient.last_used_at)) is None  # not even verified
    assert send(client, reseller).status_code == 202  # the reseller API is its own switch


def test_the_reseller_api_switched_off_refuses_charges_nothing_and_says_retry(
        client, events_client, member, reseller):
    settings.update({"api.reseller_enabled": False})
    response = send(client, reseller, headers={"Accept-Language": "zh-CN"})
    answer = response.get_json()
    assert response.status_code == 503 and answer["code"] == "api_disabled"
    assert answer["message"] == "API 已关闭" and answer["retryable"] is True
    assert attempts() == [] and quota_of(reseller[0]) == 5
    assert db.session.scalar(USED_NONCES) is None
    assert fire(client, events_client, member).status_code == 202


def test_switched_back_on_the_api_answers_again(client, reseller):
    settings.update({"api.reseller_enabled": False})
    assert send(client, reseller).status_code == 503
    settings.update({"api.reseller_enabled": True})
    assert send(client, reseller).status_code == 202


ACCEPTED = (202,)  # both APIs queue what they accept
ALLOWED = ["203.0.113.10", "198.51.100.0/24", "2001:db8::/48"]


@pytest.mark.parametrize("ip, allowed", [
    ("203.0.113.10", True),
    ("203.0.113.11", False),
    ("198.51.100.1", True),  # inside the CIDR network
    ("198.51.100.254", True),
    ("198.51.101.1", False),  # just outside it
    ("2001:db8:0:1::5", True),
    ("2001:db8:1::5", False),
    ("::ffff:198.51.100.7", True),  # IPv4 seen through a dual-stack socket
])
def test_the_allowlist_decides_for_both_apis(client, events_client, member, reseller, ip,
                                             allowed):
    settings.update({"api.allowed_ips": ALLOWED})
    for response in (fire(client, events_client, member, ip=ip), send(client, reseller, ip=ip)):
        answer = response.get_json()
        if allowed:
            assert response.status_code in ACCEPTED, answer
        else:
            assert (response.status_code, answer["code"]) == (403, "ip_not_allowed")
            assert ip in answer["detail"] and answer["fix"]
    assert len(inbox()) == (1 if allowed else 0)


def test_the_address_is_checked_before_the_signature(client, events_client, member, reseller):
    settings.update({"api.allowed_ips": ["203.0.113.10"]})
    forged = {"X-Herald-Signature": "0" * 64}
    for response in (fire(client, events_client, member, headers=forged),
                     send(client, reseller, headers=forged),
                     client.post(EVENTS, data=b"{}", csrf=False)):  # not signed at all
        assert (response.status_code, response.get_json()["code"]) == (403, "ip_not_allowed")
    assert db.session.scalar(USED_NONCES) is None
    assert set(db.session.scalars(db.select(ApiClient.last_used_at))) == {None}


def test_a_stranger_is_not_told_whether_the_api_is_on(client, events_client, member):
    settings.update({"api.allowed_ips": ["203.0.113.10"], "api.events_enabled": False})
    stranger = fire(client, events_client, member, ip="192.0.2.50")
    assert stranger.get_json()["code"] == "ip_not_allowed"
    allowed = fire(client, events_client, member, ip="203.0.113.10")
    assert allowed.get_json()["code"] == "api_disabled"


def test_behind_a_proxy_the_forwarded_client_address_is_checked(base_config, app, events_client,
                                                                member):
    from app import create_app
    from tests.conftest import HeraldClient

    settings.update({"api.allowed_ips": ["203.0.113.0/24"]})
    behind_nginx = create_app({**base_config, "HERALD_PROXY_COUNT": 1})
    behind_nginx.test_client_class = HeraldClient
    proxied = behind_nginx.test_client()
    # The proxy (127.0.0.1) is not on the list; the client it forwards for decides.
    inside = fire(proxied, events_client, member, ip="127.0.0.1",
                  headers={"X-Forwarded-For": "203.0.113.77"})
    outside = fire(proxied, events_client, member, ip="127.0.0.1",
                   headers={"X-Forwarded-For": "192.0.2.1"})
    assert inside.status_code == 202, inside.get_json()
    assert outside.get_json()["code"] == "ip_not_allowed" and "192.0.2.1" in \
        outside.get_json()["detail"]


@pytest.mark.parametrize("tolerance", [60, 900])
def test_the_timestamp_window_follows_the_setting_on_both_apis(client, events_client, member,
                                                               reseller, tolerance):
    settings.update({"api.timestamp_tolerance_seconds": tolerance})
    now = int(time.time())
    # A few seconds of margin: the request is checked a moment after it is signed.
    for skew, ok in [(tolerance - 5, True), (-(tolerance - 5), True),
                     (tolerance + 5, False), (-(tolerance + 5), False)]:
        for response in (fire(client, events_client, member, timestamp=now - skew),
                         send(client, reseller, timestamp=now - skew)):
            answer = response.get_json()
            if ok:
                assert response.status_code in ACCEPTED, (skew, answer)
            else:
                assert (response.status_code, answer["code"]) == (401, "request_expired")
                assert f"allowed: ±{tolerance} s" in answer["detail"]


@pytest.mark.parametrize("refusal, status", [
    ({"api.events_enabled": False, "api.reseller_enabled": False}, 503),
    ({"api.allowed_ips": ["203.0.113.10"]}, 403),
    ({}, 401),  # a signing header that is not printable ASCII
])
def test_both_apis_refuse_through_one_verifier_in_one_shape(client, events_client, member,
                                                            reseller, refusal, status):
    settings.update(refusal)
    bad = {} if refusal else {"X-Herald-Nonce": "nonce-\x7f-0001"}
    answers = [fire(client, events_client, member, headers=bad),
               send(client, reseller, headers=bad)]
    assert {r.status_code for r in answers} == {status}
    events, sms = (r.get_json() for r in answers)
    assert events == sms  # same code, words, fix, detail and retryable flag
    assert {"code", "message", "fix", "detail"} <= set(events)
    assert all(r.headers["Cache-Control"] == "no-store" for r in answers)


# The signed APIs read nothing from the URL. The query string is not part of the signature,
# so each request below is otherwise correctly signed: only the query string refuses it.
QUERIES = ["?X-Herald-Api-Key={key}", "?token={key}", "?api_key={key}", "?a=1", "?&"]


def with_query(client, method, path, credentials, query, payload=None):
    raw = b"" if payload is None else json.dumps(payload).encode()
    signed = signed_headers(credentials.client_id, credentials.api_key, credentials.sign_key,
                            method, path, raw, nonce=secrets.token_hex(8))
    url = path + query.format(key=credentials.api_key)
    if method == "GET":
        return client.get(url, headers={**signed, **EN})
    return client.post(url, data=raw, headers={**signed, **EN}, csrf=False)


def _query_refused(response):
    answer = response.get_json()
    assert (response.status_code, answer["code"]) == (400, "query_not_allowed"), answer
    assert answer["fix"] and "URL" in answer["fix"]
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", QUERIES)
def test_a_signed_post_with_any_query_string_is_refused_and_does_nothing(
        client, events_client, member, reseller, query):
    account, credentials = reseller
    _query_refused(with_query(client, "POST", SMS, credentials, query, body()))
    event = {"event": "server_opened", "member_id": member.id, "variables": SERVER_VARS}
    _query_refused(with_query(client, "POST", EVENTS, events_client, query, event))
    assert attempts() == [] and inbox() == [] and quota_of(account) == 5
    # Refused before the key or the nonce was looked at.
    assert db.session.scalar(USED_NONCES) is None
    assert set(db.session.scalars(db.select(ApiClient.last_used_at))) == {None}
    # The same requests without the query string go through.
    assert with_query(client, "POST", SMS, credentials, "", body()).status_code == 202
    assert with_query(client, "POST", EVENTS, events_client, "", event).status_code == 202


@pytest.mark.parametrize("query", QUERIES)
def test_a_signed_get_with_any_query_string_is_refused(client, events_client, reseller, query):
    _account, credentials = reseller
    for path, who in (("/api/sms/messages/no-such-id", credentials),
                      ("/api/events/jobs/no-such-job", events_client)):
        _query_refused(with_query(client, "GET", path, who, query))
        assert with_query(client, "GET", path, who, "").status_code == 404  # signed, no query
    assert db.session.scalar(USED_NONCES) is not None  # only the requests without a query


@pytest.mark.parametrize("refusal", [{"api.events_enabled": False, "api.reseller_enabled": False},
                                     {"api.allowed_ips": ["203.0.113.10"]}])
def test_the_query_string_is_refused_before_any_other_rule(client, events_client, member,
                                                          reseller, refusal):
    settings.update(refusal)
    _query_refused(with_query(client, "POST", SMS, reseller[1], "?a=1", body()))
    _query_refused(with_query(client, "POST", EVENTS, events_client, "?a=1", {}))


def test_the_twilio_callback_is_not_a_signed_api_and_keeps_its_own_check(client):
    # Not wrapped in api_access.signed: its own signature decides, query string or not.
    response = client.post("/api/callbacks/twilio?a=1", data={"MessageSid": "SM1"},
                           headers=EN, csrf=False)
    assert response.get_json()["code"] != "query_not_allowed"
    assert response.status_code == 403
