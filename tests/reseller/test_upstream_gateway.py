"""The ``upstream`` gateway against a fake upstream that checks the documented signature.

The fake recomputes the signature from docs/api.md on its own, so a bug in core.signing
cannot hide behind the same bug here.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from core import settings
from gateways.base import Message
from gateways.upstream import UpstreamGateway, endpoint_url, normalise_base_url
from tests.fakes import GATEWAY_OPTIONS
from tests.fakes.httpserver import FakeServer, Reply, Request

MEMBER, API_KEY, SIGN_KEY = "r10000001", "api-key-0123456789", "sign-key-0123456789"
CODE = Message(to="+8613800138000", template_code="1001", params={"code": "123456"},
               purpose="register")


QUEUED = {"code": "ok", "message": "The message was queued for sending.", "message_id": "77",
          "status": "queued", "quota_remaining": 9}


class FakeUpstream:
    """Checks the five headers and the HMAC, then answers ``reply`` (default: what a current
    upstream answers, 202 queued)."""

    def __init__(self) -> None:
        self.reply = Reply.json(QUEUED, 202)
        self.seen: list[Request] = []

    def __call__(self, request: Request) -> Reply:
        self.seen.append(request)
        h = request.headers
        canonical = "\n".join([request.method, request.path, h["x-herald-timestamp"],
                               h["x-herald-nonce"], hashlib.sha256(request.body).hexdigest()])
        expected = hmac.new(SIGN_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()
        if (h.get("x-herald-client"), h.get("x-herald-api-key")) != (MEMBER, API_KEY) or \
                not hmac.compare_digest(expected, h.get("x-herald-signature", "")):
            return Reply.json({"code": "auth_failed", "message": "bad"}, 401)
        return self.reply


@pytest.fixture
def fake():
    upstream = FakeUpstream()
    with FakeServer(upstream) as server:
        upstream.url = server.url
        yield upstream


def make(url: str, **config) -> UpstreamGateway:
    return UpstreamGateway({"url": url, "member_id": MEMBER, "api_key": API_KEY,
                            "sign_key": SIGN_KEY, **config}, GATEWAY_OPTIONS)


@pytest.mark.parametrize("typed, base", [
    ("http://www.explame.com", "http://www.explame.com"),
    ("http://www.explame.com/", "http://www.explame.com"),
    ("http://www.explame.com/api/sms/", "http://www.explame.com"),
    ("http://www.explame.com/api/sms", "http://www.explame.com"),
    ("https://up.example.com/api/sms/send", "https://up.example.com"),
    (" https://up.example.com/API/SMS/ ", "https://up.example.com"),
    ("https://example.com/herald/", "https://example.com/herald"),
    ("https://example.com/herald/api/sms/?x=1#top", "https://example.com/herald"),
])
def test_request_url_is_normalised_to_the_home_page(typed, base):
    assert normalise_base_url(typed) == base
    assert endpoint_url(typed) == base + "/api/sms/send"


def test_a_missing_template_number_fails_before_any_request(fake):
    result = make(fake.url).send(Message(to="+8613800138000", params={"code": "1"}))
    assert (result.ok, result.error, result.retryable) == (False, "template_number_missing", False)
    assert fake.seen == []


def test_sends_the_documented_signed_request(fake):
    gateway = make(fake.url + "/api/sms/")
    first, second = gateway.send(CODE), gateway.send(CODE)
    assert first.ok and (first.message_id, first.raw_code) == ("77", "ok")
    request = fake.seen[0]
    assert (request.method, request.path) == ("POST", "/api/sms/send")
    sent = request.json()
    assert sent["phone"] == "+8613800138000" and sent["template_number"] == "1001"
    assert sent["params"] == {"code": "123456"} and sent["idempotency_key"]
    assert request.headers["content-type"] == "application/json"
    nonces = {r.headers["x-herald-nonce"] for r in fake.seen}
    keys = {r.json()["idempotency_key"] for r in fake.seen}
    assert second.ok and len(nonces) == len(keys) == 2  # fresh for every request


def test_a_queued_answer_is_a_send_with_the_upstreams_message_id(fake):
    result = make(fake.url).send(CODE)
    assert (result.ok, result.message_id, result.raw_code, result.raw_message) == (
        True, "77", "ok", QUEUED["message"])


def test_an_older_upstream_that_sent_before_answering_200_is_still_a_send(fake):
    fake.reply = Reply.json({"code": "ok", "message": "sent", "message_id": "000001^0",
                             "quota_remaining": 9})
    result = make(fake.url).send(CODE)
    assert (result.ok, result.message_id) == (True, "000001^0")


def test_a_sub_path_home_page_is_signed_with_its_full_path(fake):
    with FakeServer(fake) as server:
        assert make(server.url + "/herald/").send(CODE).ok
    assert fake.seen[0].path == "/herald/api/sms/send"


def test_a_wrong_sign_key_is_auth_failed(fake):
    result = make(fake.url, sign_key="wrong-key-0123").send(CODE)
    assert (result.error, result.raw_code, result.retryable) == (
        "auth_failed", "auth_failed", False)


@pytest.mark.parametrize("code", [
    "insufficient_balance", "quota_exhausted", "invalid_phone", "template_not_allowed",
    "unknown_template", "template_number_missing", "template_params_invalid", "auth_failed",
    "request_expired", "nonce_replayed", "client_disabled", "code_limit", "content_rejected",
    "sign_not_found", "bad_request", "idempotency_key_reused", "ip_not_allowed",
])
def test_upstream_codes_arrive_unchanged_and_do_not_fail_over(fake, code):
    fake.reply = Reply.json({"code": code, "message": "m", "detail": "why", "retryable": True},
                            422)
    result = make(fake.url).send(CODE)
    assert (result.ok, result.error, result.raw_code, result.raw_message) == (
        False, code, code, "why")
    assert result.retryable is False  # only outages may fail over


@pytest.mark.parametrize("code, status, retryable, expected", [
    ("unreachable", 502, True, True),
    ("unreachable", 502, False, False),  # the upstream's provider may have the message
    ("provider_rate_limited", 502, True, True),
    ("rate_limited", 429, None, True),  # refused by the upstream's limiter, before sending
    ("timeout", 502, False, False),
    ("api_disabled", 503, True, True),  # the upstream switched its reseller API off
])
def test_only_outages_the_upstream_marks_unsent_fail_over(fake, code, status, retryable,
                                                          expected):
    answer = {"code": code, "message": "m"}
    if retryable is not None:
        answer["retryable"] = retryable
    fake.reply = Reply.json(answer, status)
    result = make(fake.url).send(CODE)
    assert (result.error, result.retryable) == (code, expected)


def test_a_code_this_herald_does_not_know_is_unknown_with_the_raw_code(fake):
    fake.reply = Reply.json({"code": "brand_new_code", "message": "newer upstream"}, 400)
    result = make(fake.url).send(CODE)
    assert (result.error, result.raw_code, result.raw_message) == (
        "unknown", "brand_new_code", "newer upstream")


@pytest.mark.parametrize("reply, error, retryable", [
    (Reply.text("<html>Bad Gateway</html>", 502), "unreachable", True),
    (Reply.text("<html>Gateway Timeout</html>", 504), "timeout", False),
    (Reply.text("maintenance", 429), "provider_rate_limited", True),
    (Reply.text("<html>welcome</html>", 200), "unknown", False),
    (Reply.json({"code": "ok"}, 201), "unknown", False),  # ok only with 200 or 202
])
def test_answers_that_are_not_herald_json(fake, reply, error, retryable):
    fake.reply = reply
    result = make(fake.url).send(CODE)
    assert (result.ok, result.error, result.retryable) == (False, error, retryable)


def test_a_refused_connection_is_unreachable_and_retryable():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = make(f"http://127.0.0.1:{port}").send(CODE)
    assert (result.error, result.retryable) == ("unreachable", True)


def test_missing_credentials_are_not_configured():
    result = make("http://127.0.0.1:9", sign_key="").send(CODE)
    assert (result.error, result.raw_message) == ("not_configured", "missing: sign_key")


def test_private_addresses_are_refused_unless_allowed(fake):
    result = UpstreamGateway({"url": fake.url, "member_id": MEMBER, "api_key": API_KEY,
                              "sign_key": SIGN_KEY}, {"timeout": (1.0, 1.0)}).send(CODE)
    assert (result.error, result.raw_code) == ("unreachable", "unsafe_url")
    assert fake.seen == []


def test_secrets_never_reach_the_raw_message(fake):
    fake.reply = Reply.json({"code": "auth_failed", "detail": f"key {API_KEY} {SIGN_KEY}"}, 401)
    result = make(fake.url).send(CODE)
    assert API_KEY not in result.raw_message and SIGN_KEY not in result.raw_message


def test_the_sms_tab_has_the_upstream_form(client, auth):
    auth.login()
    html = client.get("/admin/settings/sms", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True)
    for name in ("url", "member_id", "api_key", "sign_key"):
        assert f'name="sms__upstream__{name}"' in html
    assert "上级代理（Herald 代理接口）" in html and "留空则不修改" in html


def test_test_send_without_a_template_number_shows_the_seeds_error(client, auth):
    settings.update({"sms.gateway": "upstream", "sms.upstream.url": "http://127.0.0.1:9",
                     "sms.upstream.member_id": MEMBER, "sms.upstream.api_key": API_KEY,
                     "sms.upstream.sign_key": SIGN_KEY})
    auth.login()
    response = client.post("/admin/settings/sms/test-send", data={"destination": "13800138000"},
                           headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert "模板编号不能为空" in html and "template_number_missing" in html
    assert "为该事件的短信模板填写模板编号" in html  # the fix
    assert json.dumps(API_KEY) not in html
