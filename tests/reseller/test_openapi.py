"""docs/openapi.json stays true: every code the APIs can answer is documented under its
status, the documented fields are the ones the code reads, and real answers validate."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from core import catalog, crypto, settings
from core.signing import hash_api_key, signed_headers
from extensions import db
from models import KIND_EVENTS, ApiClient, Member
from services.reseller import clients as reseller_clients
from services.reseller import send as reseller_send
from services.reseller import templates as reseller_templates
from tests.fakes.httpserver import FakeServer, Reply
from tests.reseller import openapi
from tests.reseller.conftest import body, make_reseller, post

ROOT = Path(__file__).resolve().parents[2]
SMS, EVENTS = "/api/sms/send", "/api/events"
ACCESS_SOURCE = "blueprints/api_access.py"  # the API tab's rules, before the signature
SMS_SOURCES = ("services/reseller/send.py", "services/reseller/requests.py",
               "blueprints/api_sms/views.py", "core/api_auth.py", ACCESS_SOURCE)
# Answers of the error handlers (blueprints/errors) that every API can give.
HANDLER_ANSWERS = {(413, "bad_request"), (429, "rate_limited"), (500, "server_error"),
                   (503, "service_unavailable")}


def answered_codes(*sources: str) -> set[tuple[int, str]]:
    """(status, code) of every refusal written in ``sources``."""
    found = set()
    for source in sources:
        text = (ROOT / source).read_text(encoding="utf-8")
        for code, status in re.findall(r'(?:Refusal|ApiAuthError)\(\s*"(\w+)",\s*(\d{3})', text):
            found.add((int(status), code))
        for status, code in re.findall(r'Answer\((\d{3}),\s*"(\w+)"', text):
            found.add((int(status), code))
    return found


def test_the_document_is_openapi_3_1_with_both_operations():
    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {SMS, EVENTS}


def test_every_sms_refusal_is_documented_under_its_status():
    codes = answered_codes(*SMS_SOURCES) | HANDLER_ANSWERS
    assert len(codes) > 15  # the scan found the refusals
    for status, code in sorted(codes):
        assert code in openapi.documented_codes(SMS, status), (status, code)
        assert code == "ok" or code in catalog.CATALOG, code


def test_every_events_refusal_is_documented_under_its_status():
    from blueprints.api_events.views import STATUS

    codes = {(status, code) for code, status in STATUS.items()}
    codes |= answered_codes("core/api_auth.py", ACCESS_SOURCE) | HANDLER_ANSWERS
    for status, code in sorted(codes):
        assert code in openapi.documented_codes(EVENTS, status), (status, code)


def test_gateway_codes_of_502_cover_every_sms_provider_mapping():
    import sys

    from gateways.base import REGISTRY

    documented = set(openapi.operation(SMS)["responses"]["502"]["x-herald-gateway-codes"])
    assert documented <= set(catalog.CATALOG)
    for name, cls in REGISTRY["sms"].items():
        table = getattr(sys.modules[cls.__module__], "ERRORS", {})
        assert set(table.values()) <= documented, name


def test_api_md_lists_every_documented_sms_code():
    text = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    section = text[text.index("## POST /api/sms/send"):text.index("## Upstream gateway")]
    for status in openapi.operation(SMS)["responses"]:
        if status.startswith("4"):
            for code in openapi.documented_codes(SMS, int(status)):
                assert f"| {status} | `{code}` |" in section, (status, code)


def test_the_documented_request_fields_are_the_ones_read():
    schema = openapi.resolve(openapi.document()["components"]["schemas"]["SmsSendRequest"])
    source = (ROOT / "services/reseller/send.py").read_text(encoding="utf-8")
    assert set(schema["properties"]) == set(re.findall(r'data\.get\("(\w+)"\)', source))
    props = schema["properties"]
    assert props["idempotency_key"]["pattern"] == reseller_send.KEY_PATTERN.pattern
    assert props["phone"]["maxLength"] == reseller_send.MAX_PHONE_LENGTH
    assert props["params"]["maxProperties"] == reseller_templates.MAX_PARAMS
    assert props["params"]["additionalProperties"]["maxLength"] == \
        reseller_templates.MAX_PARAM_LENGTH
    assert props["template_number"]["maxLength"] == 32


def test_the_documented_event_fields_are_the_ones_read():
    schema = openapi.document()["components"]["schemas"]["EventRequest"]
    source = (ROOT / "blueprints/api_events/request.py").read_text(encoding="utf-8")
    read = set(re.findall(r'data\.get\("(\w+)"', source)) | {"member_id", "phone", "email"}
    assert read == set(schema["properties"])


def check(response, path: str) -> dict:
    """The answer validates against the documented schema and headers of its status."""
    documented = openapi.operation(path)["responses"]
    assert str(response.status_code) in documented, response.status_code
    data = response.get_json()
    errors = openapi.validate(data, openapi.response_schema(path, response.status_code))
    assert not errors, (response.status_code, data, errors)
    for name, header in documented[str(response.status_code)].get("headers", {}).items():
        schema = openapi.resolve(header)["schema"]
        if "const" in schema and name in response.headers:
            assert response.headers[name] == schema["const"], name
        if name == "Cache-Control":
            assert response.headers.get(name) == "no-store", (response.status_code, data)
    return data


def test_real_sms_answers_match_the_document(api, reseller, template):
    account, credentials = reseller
    check(post(api, credentials, body(idempotency_key="doc-1")), SMS)
    replay = post(api, credentials, body(idempotency_key="doc-1"))
    assert check(replay, SMS)["code"] == "ok" and replay.headers["Idempotent-Replayed"] == "true"
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
                         "sms.aliyun.endpoint": server.url + "/"})
        failed = post(api, credentials, body())
    assert failed.status_code == 502 and check(failed, SMS)["retryable"] is True
    limited = post(api, credentials, body())
    assert limited.status_code == 429 and check(limited, SMS)["code"] == "rate_limited"


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


def test_real_event_answers_match_the_document(api, events_client):
    member_id = db.session.scalar(db.select(Member.id))
    variables = {"title": "Maintenance", "body": "Friday 02:00-04:00"}
    ok = fire(api, events_client, {"event": "push_notice", "member_id": member_id,
                                   "variables": variables})
    assert ok.status_code == 200 and check(ok, EVENTS)["channels"]
    for status, answer in [
        (404, fire(api, events_client, {"event": "nope", "member_id": member_id})),
        (404, fire(api, events_client, {"event": "push_notice", "member_id": 999999,
                                        "variables": variables})),
        (422, fire(api, events_client, {"event": "push_notice", "member_id": member_id})),
        (400, fire(api, events_client, {"event": ""})),
        (401, fire(api, events_client, {"event": "push_notice"},
                   **{"X-Herald-Signature": "0" * 64})),
    ]:
        assert answer.status_code == status, answer.get_json()
        check(answer, EVENTS)


def test_refusals_of_the_api_tab_match_the_document(api, reseller, events_client):
    _account, credentials = reseller
    settings.update({"api.reseller_enabled": False, "api.events_enabled": False})
    off = post(api, credentials, body())
    assert off.status_code == 503 and check(off, SMS)["code"] == "api_disabled"
    assert check(off, SMS)["retryable"] is True
    off = fire(api, events_client, {"event": "push_notice"})
    assert off.status_code == 503 and check(off, EVENTS)["code"] == "api_disabled"
    settings.update({"api.allowed_ips": ["203.0.113.10"]})  # the test client is 127.0.0.1
    for path, answer in [(SMS, post(api, credentials, body())),
                         (EVENTS, fire(api, events_client, {"event": "push_notice"}))]:
        assert answer.status_code == 403 and check(answer, path)["code"] == "ip_not_allowed"
