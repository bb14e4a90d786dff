"""Network failures become catalog results, the same way for every HTTP gateway."""

from __future__ import annotations

import time

import pytest
import requests

from gateways.aliyun import AliyunGateway
from gateways.base import Message, SendResult
from gateways.errors import (
    UnsafeURLError,
    catalog_code,
    result_from_exception,
    result_from_status,
)
from gateways.http_generic import HttpSmsGateway
from gateways.smsbao import SmsbaoGateway
from gateways.tencent import TencentGateway
from gateways.twilio import TwilioGateway
from tests.fakes import GATEWAY_OPTIONS
from tests.fakes.httpserver import Reply

MESSAGE = Message(to="+8613800138000", content="验证码 123456", template_code="SMS_1",
                  params={"code": "123456"})
CONFIGS = {
    AliyunGateway: {"access_key_id": "id", "access_key_secret": "s", "sign_name": "Herald"},
    TencentGateway: {"secret_id": "id", "secret_key": "k", "sdk_app_id": "1400006666",
                     "sign_name": "Herald"},
    TwilioGateway: {"account_sid": "AC1", "auth_token": "t", "from_number": "+15005550006"},
    SmsbaoGateway: {"username": "u", "password": "p", "signature": "Herald"},
    HttpSmsGateway: {"params": "to={phone}\ntext={content}"},
}
GATEWAYS = pytest.mark.parametrize("cls", list(CONFIGS), ids=lambda cls: cls.name)


def make(cls, endpoint: str, **options):
    key = "url" if cls is HttpSmsGateway else "endpoint"
    return cls({**CONFIGS[cls], key: endpoint}, {**GATEWAY_OPTIONS, **options})


def assert_failed(result: SendResult, error: str, retryable: bool, raw_code: str = ""):
    assert (result.ok, result.error, result.retryable) == (False, error, retryable)
    if raw_code:
        assert result.raw_code == raw_code


@GATEWAYS
def test_read_timeout_is_timeout_and_never_retryable(server, cls):
    server.default = lambda request: Reply.stalled(5)
    started = time.perf_counter()

    result = make(cls, server.url + "/", timeout=(1.0, 0.3)).send(MESSAGE)

    assert_failed(result, "timeout", False, "read_timeout")
    assert time.perf_counter() - started < 1.3
    assert len(server.requests) == 1  # it was sent: that is why it must not fail over


@GATEWAYS
@pytest.mark.parametrize("status", [500, 502, 503])
def test_provider_outage_is_unreachable_and_retryable(server, cls, status):
    server.default = lambda request: Reply.text("<html>upstream error</html>", status)
    assert_failed(make(cls, server.url + "/").send(MESSAGE), "unreachable", True,
                  f"HTTP {status}")


@GATEWAYS
def test_http_429_is_throttling_and_retryable(server, cls):
    server.default = lambda request: Reply.text("slow down", 429)
    assert_failed(make(cls, server.url + "/").send(MESSAGE), "provider_rate_limited", True)


@GATEWAYS
def test_connection_refused_is_unreachable_and_retryable(cls, unused_port):
    result = make(cls, f"http://127.0.0.1:{unused_port}/").send(MESSAGE)
    assert_failed(result, "unreachable", True, "connect_failed")


@GATEWAYS
def test_unknown_host_is_unreachable_and_retryable(cls, dns):
    result = make(cls, "http://nonexistent.invalid/").send(MESSAGE)
    assert_failed(result, "unreachable", True, "dns_failure")
    assert dns.lookups == ["nonexistent.invalid"]


@GATEWAYS
def test_connection_reset_after_the_request_may_have_sent_it(server, cls):
    server.default = lambda request: Reply.dropped()
    result = make(cls, server.url + "/").send(MESSAGE)
    assert_failed(result, "unreachable", False, "connection_dropped")
    assert "may have gone out" in result.raw_message


@GATEWAYS
@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:{port}/", "http://169.254.169.254/",
                                      "http://[::ffff:127.0.0.1]:{port}/"])
def test_private_endpoints_are_refused_unless_allowed(server, cls, endpoint):
    port = server.url.rsplit(":", 1)[1]
    result = make(cls, endpoint.format(port=port), allow_private=False).send(MESSAGE)
    assert_failed(result, "unreachable", False, "unsafe_url")
    assert "not allowed" in result.raw_message
    assert server.requests == []


@GATEWAYS
def test_a_redirect_is_a_failure_and_its_target_gets_nothing(server, cls):
    target = []
    server.route("/internal", lambda request: target.append(request) or Reply.text("0"))
    server.default = lambda request: Reply.redirect(server.url + "/internal", 307)
    result = make(cls, server.url + "/").send(MESSAGE)
    assert_failed(result, "unreachable", False, "HTTP 307")
    assert target == []


@pytest.mark.parametrize(("exc", "error", "retryable", "raw_code"), [
    (requests.ConnectTimeout("connect timed out"), "unreachable", True, "connect_timeout"),
    (requests.ReadTimeout("read timed out"), "timeout", False, "read_timeout"),
    (requests.exceptions.SSLError("certificate verify failed"), "unreachable", True,
     "tls_error"),
    (UnsafeURLError("10.0.0.1"), "unreachable", False, "unsafe_url"),
    (KeyError("boom"), "unknown", False, "KeyError"),
    (requests.exceptions.InvalidURL("bad"), "unknown", False, "InvalidURL"),
])
def test_exceptions_map_onto_the_catalog(exc, error, retryable, raw_code):
    result = result_from_exception("x", exc)
    assert (result.error, result.retryable, result.raw_code) == (error, retryable, raw_code)
    assert str(exc) in result.raw_message


@pytest.mark.parametrize(("status", "expected"), [
    (429, ("provider_rate_limited", True)), (500, ("unreachable", True)),
    (502, ("unreachable", True)), (503, ("unreachable", True)),
    (504, ("timeout", False)),  # the provider behind the proxy may have sent it
])
def test_statuses_that_speak_for_themselves(status, expected):
    result = result_from_status("x", status, "body")
    assert (result.error, result.retryable) == expected


@pytest.mark.parametrize("status", [200, 201, 400, 401, 404])
def test_other_statuses_need_the_provider_answer(status):
    assert result_from_status("x", status) is None


def test_catalog_code_prefers_the_exact_code_over_its_family():
    table = {"InternalError.Timeout": "timeout", "InternalError.": "unreachable"}
    assert catalog_code(table, "InternalError.Timeout") == "timeout"
    assert catalog_code(table, "InternalError.OtherError") == "unreachable"
    assert catalog_code(table, "FailedOperation.Other") == "unknown"
