"""POST /api/events: signed like the reseller API, JSON answers with catalog codes."""

from __future__ import annotations

import json
import secrets
import time

import pytest

from core import signing
from services.notify import api_clients as event_clients
from tests.notify.conftest import SERVER_VARS, attempts, inbox, make_member

PATH = "/api/events"


@pytest.fixture
def credentials(app):
    return event_clients.create("billing")


def post(client, credentials, payload, *, nonce=None, timestamp=None, sign_key=None,
         headers=None):
    body = json.dumps(payload).encode()
    signed = signing.signed_headers(credentials.client_id, credentials.api_key,
                                    sign_key or credentials.sign_key, "POST", PATH, body,
                                    nonce or secrets.token_hex(8), timestamp)
    return client.post(PATH, data=body, headers={**signed, **(headers or {})}, csrf=False)


def event(member, **extra):
    return {"event": "server_opened", "member_id": member.id, "variables": SERVER_VARS,
            **extra}


def test_a_good_request_dispatches_and_lists_each_channel(client, credentials):
    member = make_member()
    response = post(client, credentials, event(member))
    assert response.status_code == 202, response.get_json()
    answer = response.get_json()
    assert answer["code"] == "ok" and answer["member_id"] == member.id
    assert {c["channel"]: c["status"] for c in answer["channels"]} == {
        "sms": "off", "email": "off", "insite": "sent", "wechat": "skipped"}
    assert len(inbox(member.id)) == 1


def test_the_member_may_be_named_by_phone_or_email(client, credentials):
    member = make_member()
    payload = {"event": "server_opened", "phone": "138 0013 8000", "variables": SERVER_VARS}
    assert post(client, credentials, payload).get_json()["member_id"] == member.id
    payload = {"event": "server_opened", "email": "Member@Example.com", "variables": SERVER_VARS}
    assert post(client, credentials, payload).get_json()["member_id"] == member.id


def test_a_bad_signature_is_refused(client, credentials):
    member = make_member()
    response = post(client, credentials, event(member), sign_key="wrong-sign-key")
    assert response.status_code == 401 and response.get_json()["code"] == "auth_failed"
    assert inbox() == []


def test_a_stale_timestamp_is_refused(client, credentials):
    member = make_member()
    response = post(client, credentials, event(member), timestamp=int(time.time()) - 301)
    assert response.status_code == 401 and response.get_json()["code"] == "request_expired"


def test_a_replayed_nonce_is_refused(client, credentials):
    member = make_member()
    assert post(client, credentials, event(member), nonce="nonce-0001").status_code == 202
    again = post(client, credentials, event(member), nonce="nonce-0001")
    assert again.status_code == 401 and again.get_json()["code"] == "nonce_replayed"
    assert len(inbox(member.id)) == 1


def test_an_unknown_event_is_refused(client, credentials):
    member = make_member()
    response = post(client, credentials, event(member, event="server_exploded"))
    answer = response.get_json()
    assert response.status_code == 404 and answer["code"] == "unknown_event"
    assert answer["message"] and answer["fix"]


def test_a_missing_variable_is_refused_naming_it(client, credentials):
    member = make_member()
    variables = {k: v for k, v in SERVER_VARS.items() if k != "expires_at"}
    response = post(client, credentials, event(member, variables=variables),
                    headers={"Accept-Language": "en"})
    answer = response.get_json()
    assert response.status_code == 422 and answer["code"] == "missing_variables"
    assert answer["detail"] == "expires_at" and answer["message"] == "Event variables are missing"
    assert attempts() == []


def test_an_unknown_member_is_refused(client, credentials):
    response = post(client, credentials, {"event": "server_opened", "member_id": 424242,
                                          "variables": SERVER_VARS})
    assert response.status_code == 404 and response.get_json()["code"] == "member_not_found"


@pytest.mark.parametrize("payload", [
    [1, 2], {"event": 5, "member_id": 1}, {"event": "server_opened"},
    {"event": "server_opened", "member_id": 1, "email": "a@b.c"},
    {"event": "server_opened", "member_id": True},
    {"event": "server_opened", "member_id": 1, "variables": {"x": {"nested": 1}}},
])
def test_malformed_bodies_are_bad_requests(client, credentials, payload):
    make_member()
    response = post(client, credentials, payload)
    assert response.status_code == 400 and response.get_json()["code"] == "bad_request"


def test_a_reseller_client_cannot_fire_events(client, app):
    from core import crypto
    from extensions import db
    from models import KIND_RESELLER, ApiClient

    db.session.add(ApiClient(client_id="r1", kind=KIND_RESELLER,
                             api_key_hash=signing.hash_api_key("k" * 20),
                             sign_key=crypto.encrypt("s" * 20)))
    db.session.commit()
    member = make_member()
    reseller = event_clients.Credentials("r1", "k" * 20, "s" * 20)
    assert post(client, reseller, event(member)).get_json()["code"] == "auth_failed"


def test_a_disabled_client_is_refused(client, credentials):
    member = make_member()
    event_clients.set_active(event_clients.all_clients()[0], False)
    response = post(client, credentials, event(member))
    assert response.status_code == 403 and response.get_json()["code"] == "client_disabled"


def test_requests_are_rate_limited_per_client(client, credentials, monkeypatch):
    from blueprints.api_events import views

    member = make_member()
    monkeypatch.setattr(views, "PER_CLIENT_LIMIT", "2 per minute")
    codes = [post(client, credentials, event(member)).status_code for _ in range(3)]
    assert codes == [202, 202, 429]
