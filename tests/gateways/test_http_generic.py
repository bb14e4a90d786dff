"""The generic ``http`` gateway: the admin's mapping, success rule and the URL guard."""

from __future__ import annotations

import pytest

from gateways.base import Message
from gateways.http_generic import HttpSmsGateway, fill, json_path, parse_lines
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.httpserver import Reply

CODE = Message(to="+8613800138000", content="验证码 123456", template_code="T1",
               params={"code": "123456"})
MAPPING = """
# SMS provider X
mobile={phone_national}
e164={phone}
text={sign}{content}
tpl={template}
code={code}
key={secret}
"""


def make(server, **config) -> HttpSmsGateway:
    return HttpSmsGateway({"url": server.url + "/send", "params": MAPPING, "sign": "【Herald】",
                           "secret": "k-123", **config}, OPTIONS)


EXPECTED = {"mobile": "13800138000", "e164": "+8613800138000", "text": "【Herald】验证码 123456",
            "tpl": "T1", "code": "123456", "key": "k-123"}


@pytest.mark.parametrize(("method", "read"), [
    ("get", lambda r: {k: v[-1] for k, v in r.query.items()}),
    ("post_form", lambda r: r.form()),
    ("post_json", lambda r: r.json()),
])
def test_each_method_carries_the_mapped_parameters(server, method, read):
    server.route("/send", lambda request: Reply.text("OK"))
    result = make(server, method=method).send(CODE)
    assert result.ok, result
    request = server.requests[0]
    assert request.method == ("GET" if method == "get" else "POST")
    assert read(request) == EXPECTED


def test_headers_are_sent_with_placeholders_filled(server):
    server.route("/send", lambda request: Reply.text("OK"))
    assert make(server, headers="Authorization: Bearer {secret}\nX-Trace: herald").send(CODE).ok
    assert server.requests[0].headers["authorization"] == "Bearer k-123"
    assert server.requests[0].headers["x-trace"] == "herald"


def test_json_rule_and_message_id(server):
    server.route("/send", lambda request: Reply.json({"code": 0, "data": {"ids": ["m-9"]}}))
    result = make(server, success_json="code=0", message_id_path="data.ids.0").send(CODE)
    assert (result.ok, result.message_id) == (True, "m-9")


def test_json_rule_not_met_keeps_the_provider_answer(server):
    server.route("/send", lambda request: Reply.json({"code": 1024, "msg": "余额不足"}))
    result = make(server, success_json="code=0").send(CODE)
    assert (result.ok, result.error, result.raw_code, result.retryable) == (
        False, "unknown", "1024", False)
    assert "余额不足" in result.raw_message


def test_contains_rule(server):
    server.route("/send", lambda request: Reply.text("result=fail"))
    assert not make(server, success_contains="result=ok").send(CODE).ok
    server.route("/send", lambda request: Reply.text("result=ok;id=7"))
    assert make(server, success_contains="result=ok").send(CODE).ok


def test_unexpected_status_is_a_failure_with_the_body(server):
    server.route("/send", lambda request: Reply.text("bad key", 403))
    result = make(server).send(CODE)
    assert (result.error, result.raw_code, result.raw_message) == ("unknown", "HTTP 403",
                                                                   "bad key")


def test_a_custom_success_status(server):
    server.route("/send", lambda request: Reply.text("", 202))
    assert make(server, success_status=202).send(CODE).ok
    assert not make(server).send(CODE).ok


def test_long_bodies_are_truncated(server):
    server.route("/send", lambda request: Reply.text("x" * 10_000, 400))
    assert len(make(server).send(CODE).raw_message) == 500


@pytest.mark.parametrize(("params", "reason"), [
    ("to={phone}\ntext={nope}", "unknown placeholder {nope}"),
    ("just text", "is not name=value"),
    ("=value", "is not name=value"),
])
def test_bad_mappings_are_not_configured_and_send_nothing(server, params, reason):
    result = make(server, params=params).send(CODE)
    assert result.error == "not_configured" and reason in result.raw_message
    assert server.requests == []


def test_only_plain_names_are_placeholders(server):
    # Not str.format: "{content.__class__}" reads no attribute; it is literal text.
    server.route("/send", lambda request: Reply.text("OK"))
    params = 'a={content.__class__}\nb={"k":"{code}"}'
    assert make(server, params=params).send(CODE).ok
    assert server.requests[0].form() == {"a": "{content.__class__}", "b": '{"k":"123456"}'}


def test_the_url_goes_through_the_guard(server):
    gateway = HttpSmsGateway({"url": server.url + "/send", "params": MAPPING},
                             {**OPTIONS, "allow_private": False})
    result = gateway.send(CODE)
    assert (result.error, result.raw_code) == ("unreachable", "unsafe_url")
    assert server.requests == []


def test_a_redirect_to_a_private_host_is_not_followed(server):
    inside = []
    server.route("/internal", lambda request: inside.append(request) or Reply.text("OK"))
    server.route("/send", lambda request: Reply.redirect(server.url + "/internal", 302))
    result = make(server).send(CODE)
    assert (result.ok, result.error, result.retryable) == (False, "unreachable", False)
    assert inside == []


def test_helpers():
    assert parse_lines("a=1\n\n# c\n b = x=y ", "=") == [("a", "1"), ("b", "x=y")]
    assert fill("{a}-{a}{b}", {"a": "1", "b": "{a}"}) == "1-1{a}"  # no second pass
    data = {"a": {"b": [{"c": True}, 5]}, "n": None}
    assert [json_path(data, p) for p in ("a.b.0.c", "a.b.1", "a.b.2", "n", "x")] == [
        "true", "5", None, "null", None]
