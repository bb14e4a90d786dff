"""docs/openapi.json stays true to the code: every operation the APIs serve is documented,
every code they can answer is documented under its status, and the documented fields are
the ones the code reads. test_openapi_answers.py checks real answers against it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import catalog
from services.reseller import send as reseller_send
from services.reseller import templates as reseller_templates
from tests.reseller import openapi
from tests.reseller.openapi import EVENTS, JOBS, OPERATIONS, SMS, SMS_STATUS

ROOT = Path(__file__).resolve().parents[2]
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


def view_answers(source: str, function: str) -> set[tuple[int, str]]:
    """(status, code) of every literal ``reply(...)`` in one view function of ``source``."""
    text = (ROOT / source).read_text(encoding="utf-8")
    body = text.split(f"def {function}(", 1)[1].split("\ndef ", 1)[0]
    return {(int(status), code) for status, code in
            re.findall(r'reply\(\s*(\d{3}),\s*"(\w+)"', body)}


def test_the_document_is_openapi_3_1_with_every_operation(app):
    doc = openapi.document()
    assert doc["openapi"].startswith("3.1")
    assert {path: list(item) for path, item in doc["paths"].items()} == {
        path: [method] for path, method in OPERATIONS.items()}
    served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule):
              sorted(rule.methods - {"HEAD", "OPTIONS"}) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(("/api/sms", "/api/events"))}
    assert served == {path: [method.upper()] for path, method in OPERATIONS.items()}


def test_every_sms_refusal_is_documented_under_its_status():
    codes = answered_codes(*SMS_SOURCES) | HANDLER_ANSWERS
    assert len(codes) > 15  # the scan found the refusals
    for status, code in sorted(codes):
        assert code in openapi.documented_codes(SMS, status), (status, code)
        assert code == "ok" or code in catalog.CATALOG, code


def test_every_events_refusal_is_documented_under_its_status():
    from blueprints.api_events.views import STATUS

    codes = {(status, code) for code, status in STATUS.items()}
    codes |= view_answers("blueprints/api_events/views.py", "fire")
    codes |= answered_codes("core/api_auth.py", ACCESS_SOURCE) | HANDLER_ANSWERS
    assert (202, "ok") in codes
    for status, code in sorted(codes):
        assert code in openapi.documented_codes(EVENTS, status), (status, code)


@pytest.mark.parametrize("path, source, function", [
    (SMS_STATUS, "blueprints/api_sms/views.py", "message_status"),
    (JOBS, "blueprints/api_events/views.py", "job_progress"),
])
def test_every_answer_of_the_status_operations_is_documented(path, source, function):
    codes = view_answers(source, function)
    assert (200, "ok") in codes and any(status == 404 for status, _code in codes)
    codes |= answered_codes("core/api_auth.py", ACCESS_SOURCE) | HANDLER_ANSWERS
    for status, code in sorted(codes):
        assert code in openapi.documented_codes(path, status, "get"), (status, code)
        assert code == "ok" or code in catalog.CATALOG, code


def test_gateway_codes_of_a_message_status_cover_every_sms_provider_mapping():
    import sys

    from gateways.base import REGISTRY

    answer = openapi.operation(SMS_STATUS, "get")["responses"]["200"]
    documented = set(answer["x-herald-gateway-codes"])
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
    read = set(re.findall(r'data(?:\.get\(|\[)"(\w+)"', source))
    read |= set(re.findall(r'"(\w+)" in data', source)) | {"member_id", "phone", "email"}
    assert {"members", "send_at"} <= read
    assert read == set(schema["properties"])


def test_the_documented_broadcast_bounds_are_the_ones_checked():
    from services.notify import audience

    members = openapi.document()["components"]["schemas"]["EventRequest"]["properties"][
        "members"]
    every, ids = members["oneOf"]
    assert every["const"] == audience.ALL
    assert ids["maxItems"] == audience.MAX_LIST and ids["items"]["maximum"] == 2**31 - 1
