"""The smsbao gateway against a fake that checks the credential and the numeric answers."""

from __future__ import annotations

import hashlib

import pytest

import gateways.smsbao as smsbao
from gateways.base import Message
from gateways.smsbao import SmsbaoGateway
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.httpserver import FakeServer, Reply
from tests.fakes.smsbao import SmsbaoFake

USER, PASSWORD, API_KEY = "herald", "s3cret-Pass", "a1b2c3d4e5f60718293a4b5c6d7e8f90"
CODE = Message(to="+8613800138000", content="您的验证码是123456，10分钟内有效。")


@pytest.fixture
def fake():
    return SmsbaoFake(USER, PASSWORD, API_KEY)


@pytest.fixture
def gateway(fake):
    with FakeServer(fake) as server:
        yield make(server.url)


def make(endpoint: str, **config) -> SmsbaoGateway:
    return SmsbaoGateway({"username": USER, "password": API_KEY, "signature": "Herald",
                          "endpoint": endpoint, **config}, OPTIONS)


def test_sends_to_a_mainland_number_with_the_signature_first(gateway, fake):
    result = gateway.send(CODE)
    assert result.ok, result
    assert fake.sent == [{"path": "/sms", "u": USER, "p": API_KEY, "m": "13800138000",
                          "c": "【Herald】您的验证码是123456，10分钟内有效。"}]


def test_a_signature_already_in_the_content_is_not_doubled(gateway, fake):
    assert gateway.send(Message(to="+8613800138000", content="【Herald】hello")).ok
    assert fake.sent[0]["c"] == "【Herald】hello"


def test_international_numbers_use_wsms_with_a_plus(gateway, fake):
    assert gateway.send(Message(to="+14155552671", content="hello")).ok
    assert (fake.sent[0]["path"], fake.sent[0]["m"]) == ("/wsms", "+14155552671")


def test_a_login_password_is_sent_as_its_md5(fake):
    with FakeServer(fake) as server:
        result = make(server.url, password=PASSWORD, password_kind="password").send(CODE)
    assert result.ok, result
    assert fake.sent[0]["p"] == hashlib.md5(PASSWORD.encode(), usedforsecurity=False).hexdigest()


def test_a_login_password_sent_as_an_api_key_is_refused(fake):
    with FakeServer(fake) as server:
        result = make(server.url, password=PASSWORD).send(CODE)
    assert (result.error, result.raw_code, result.raw_message) == ("auth_failed", "30", "密码错误")


def test_unknown_user_is_auth_failed(fake):
    with FakeServer(fake) as server:
        result = make(server.url, username="nobody").send(CODE)
    assert (result.error, result.raw_code) == ("auth_failed", "40")


def test_bad_mainland_number_is_invalid_phone(gateway):
    result = gateway.send(Message(to="+86123", content="hi"))
    assert (result.error, result.raw_code, result.retryable) == ("invalid_phone", "51", False)


CASES = [
    ("-1", "wrong_channel", False),
    ("30", "auth_failed", False),
    ("40", "auth_failed", False),
    ("41", "insufficient_balance", False),
    ("42", "auth_failed", False),
    ("43", "auth_failed", False),
    ("50", "content_rejected", False),
    ("51", "invalid_phone", False),
    ("-2", "unknown", False),
]


@pytest.mark.parametrize(("code", "error", "retryable"), CASES)
def test_provider_codes_map_onto_the_catalog(gateway, fake, code, error, retryable):
    fake.force_code = code
    result = gateway.send(CODE)
    assert (result.ok, result.error, result.retryable, result.raw_code) == (
        False, error, retryable, code)


def test_every_mapped_code_is_tested():
    assert set(smsbao.ERRORS) <= {code for code, _, _ in CASES}


def test_a_page_that_is_not_a_code_keeps_its_text(server):
    server.default = lambda request: Reply.text("<html>maintenance</html>")
    result = make(server.url).send(CODE)
    assert (result.error, result.raw_code) == ("unknown", "HTTP 200")
    assert "maintenance" in result.raw_message


def test_a_failure_never_repeats_the_key_or_the_code(unused_port):
    # requests names the URL in its errors; a GET query holds the key and the code.
    result = make(f"http://127.0.0.1:{unused_port}/").send(CODE)
    assert (result.error, result.raw_code) == ("unreachable", "connect_failed")
    assert "/sms?…" in result.raw_message
    assert API_KEY not in result.raw_message and "123456" not in result.raw_message
