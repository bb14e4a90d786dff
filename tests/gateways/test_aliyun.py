"""The aliyun gateway against a fake Dysmsapi that verifies the documented RPC signature."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

import gateways.aliyun as aliyun
from gateways.aliyun import AliyunGateway, sign
from gateways.base import Message
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.aliyun import AliyunFake, expected_signature
from tests.fakes.httpserver import FakeServer

KEY_ID, SECRET = "LTAI5tTestKeyId0001", "hV8rTestSecretValue0123456789ab"
CODE = Message(to="+8613800138000", template_code="SMS_154950909", params={"code": "123456"})


@pytest.fixture
def fake():
    return AliyunFake({KEY_ID: SECRET})


@pytest.fixture
def gateway(fake):
    with FakeServer(fake) as server:
        yield make(server.url + "/")


def make(endpoint: str, **config) -> AliyunGateway:
    return AliyunGateway({"access_key_id": KEY_ID, "access_key_secret": SECRET,
                          "sign_name": "Herald", "endpoint": endpoint, **config}, OPTIONS)


def test_documented_signature_example():
    # Alibaba's worked example: testid / testsecret, DescribeRegions, GET.
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML",
              "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
              "SignatureVersion": "1.0", "TimeStamp": "2016-02-23T12:46:24Z",
              "Version": "2014-05-26"}
    assert sign("testsecret", params, "GET")[1] == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_sends_a_signed_request_and_returns_the_biz_id(gateway, fake):
    result = gateway.send(CODE)

    assert result.ok, result
    assert result.message_id == "000001^0"
    sent = fake.sent[0]
    assert (sent["PhoneNumbers"], sent["SignName"], sent["TemplateCode"]) == (
        "13800138000", "Herald", "SMS_154950909")
    assert json.loads(sent["TemplateParam"]) == {"code": "123456"}


def test_percent_encoding_survives_awkward_characters(gateway, fake):
    awkward = {"name": "A*B ~c+d/é", "note": "100% 通知! (ok)", "num": 7}
    result = gateway.send(Message(to="+8613800138000", template_code="SMS_1", params=awkward))
    assert result.ok, result
    assert json.loads(fake.sent[0]["TemplateParam"]) == {k: str(v) for k, v in awkward.items()}


def test_international_numbers_keep_their_country_code(gateway, fake):
    assert gateway.send(Message(to="+85261234567", template_code="SMS_1")).ok
    assert fake.sent[0]["PhoneNumbers"] == "85261234567"
    assert "TemplateParam" not in fake.sent[0]


def test_every_request_has_a_fresh_nonce(gateway, fake):
    assert gateway.send(CODE).ok and gateway.send(CODE).ok
    assert len(fake.nonces) == 2


def test_wrong_secret_is_auth_failed(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", access_key_secret="wrong").send(CODE)
    assert (result.error, result.raw_code, result.retryable) == (
        "auth_failed", "SignatureDoesNotMatch", False)
    # Alibaba quotes its string to sign, which holds TemplateParam: the code stays out.
    assert result.raw_message == "Specified signature is not matched with our calculation."


def test_unknown_key_is_auth_failed(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", access_key_id="LTAI-unknown").send(CODE)
    assert (result.error, result.raw_code) == ("auth_failed", "InvalidAccessKeyId.NotFound")


def test_server_clock_off_is_token_failed(gateway, monkeypatch):
    class Skewed(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) - timedelta(minutes=20)

    monkeypatch.setattr(aliyun, "datetime", Skewed)
    result = gateway.send(CODE)
    assert (result.error, result.raw_code) == ("token_failed", "InvalidTimeStamp.Expired")


def test_unapproved_signature_is_sign_not_found(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", sign_name="Unknown").send(CODE)
    assert (result.error, result.raw_code) == ("sign_not_found", "isv.SMS_SIGNATURE_ILLEGAL")


def test_missing_template_code_fails_before_any_request(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/").send(Message(to="+8613800138000", content="hi"))
        assert server.requests == []
    assert (result.error, result.retryable) == ("template_number_missing", False)


def test_missing_settings_are_not_configured(fake):
    with FakeServer(fake) as server:
        result = AliyunGateway({"endpoint": server.url}, OPTIONS).send(CODE)
        assert server.requests == []
    assert result.error == "not_configured"
    assert "access_key_id" in result.raw_message


CASES = [
    ("SignatureDoesNotMatch", "auth_failed", False),
    ("IncompleteSignature", "auth_failed", False),
    ("InvalidAccessKeyId.NotFound", "auth_failed", False),
    ("InvalidAccessKeyId.Inactive", "auth_failed", False),
    ("Forbidden.RAM", "auth_failed", False),
    ("isp.RAM_PERMISSION_DENY", "auth_failed", False),
    ("isv.ACCOUNT_NOT_EXISTS", "auth_failed", False),
    ("isv.ACCOUNT_ABNORMAL", "auth_failed", False),
    ("InvalidTimeStamp.Expired", "token_failed", False),
    ("isv.PRODUCT_UN_SUBSCRIPT", "wrong_channel", False),
    ("isv.PRODUCT_UNSUBSCRIBE", "wrong_channel", False),
    ("isv.INVALID_PARAMETERS", "wrong_channel", False),
    ("isv.SMS_SIGNATURE_ILLEGAL", "sign_not_found", False),
    ("isv.SMS_SIGN_ILLEGAL", "sign_not_found", False),
    ("isv.SIGN_STATE_ILLEGAL", "sign_not_found", False),
    ("isv.SMS_SIGNATURE_SCENE_ILLEGAL", "sign_mismatch", False),
    ("isv.SMS_TEMPLATE_ILLEGAL", "content_rejected", False),
    ("isv.TEMPLATE_MISSING_PARAMETERS", "content_rejected", False),
    ("isv.INVALID_JSON_PARAM", "content_rejected", False),
    ("isv.PARAM_LENGTH_LIMIT", "content_rejected", False),
    ("isv.SMS_CONTENT_ILLEGAL", "content_rejected", False),
    ("isv.BLACK_KEY_CONTROL_LIMIT", "content_rejected", False),
    ("isv.MOBILE_NUMBER_ILLEGAL", "invalid_phone", False),
    ("isv.MOBILE_COUNT_OVER_LIMIT", "invalid_phone", False),
    ("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", "invalid_phone", False),
    ("isv.AMOUNT_NOT_ENOUGH", "insufficient_balance", False),
    ("isv.OUT_OF_SERVICE", "insufficient_balance", False),
    ("isv.BUSINESS_LIMIT_CONTROL", "provider_rate_limited", True),
    ("isv.DAY_LIMIT_CONTROL", "provider_rate_limited", True),
    ("isv.MONTH_LIMIT_CONTROL", "provider_rate_limited", True),
    ("Throttling", "provider_rate_limited", True),
    ("Throttling.User", "provider_rate_limited", True),
    ("isp.SYSTEM_ERROR", "unreachable", True),
    ("ServiceUnavailable", "unreachable", True),
    ("InternalError", "unreachable", True),
    ("isv.SOMETHING_NEW", "unknown", False),
]


@pytest.mark.parametrize(("code", "error", "retryable"), CASES)
def test_provider_codes_map_onto_the_catalog(gateway, fake, code, error, retryable):
    fake.force_code = code
    result = gateway.send(CODE)
    assert (result.ok, result.error, result.retryable) == (False, error, retryable)
    assert (result.raw_code, result.raw_message) == (code, code)


def test_every_mapped_code_is_tested():
    assert set(aliyun.ERRORS) - {"Throttling."} <= {code for code, _, _ in CASES}


def test_fake_and_gateway_agree_on_the_string_to_sign():
    params = {"A": "x y*z~", "B": "中文", "Timestamp": "2024-01-01T00:00:00Z"}
    assert sign(SECRET, params)[1] == expected_signature(SECRET, params)


@pytest.mark.parametrize(("sign", "extras"), [("【Herald】", "'【' '】'"),
                                              ("[Herald]", "'[' ']'"),
                                              ("Her\u3000ald", "'\\u3000'")])
def test_a_sign_refused_for_its_brackets_or_spaces_is_sign_mismatch(fake, sign, extras):
    with FakeServer(fake) as server:
        result = make(server.url + "/", sign_name=sign).send(CODE)
    assert (result.ok, result.error, result.raw_code) == (
        False, "sign_mismatch", "isv.SMS_SIGNATURE_ILLEGAL")
    assert f"sent with {extras}; remove them and set it to 'Herald'" in result.raw_message
    assert "该账号下找不到对应签名" in result.raw_message


def test_an_unknown_clean_sign_stays_sign_not_found(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", sign_name="Unapproved").send(CODE)
    assert (result.error, result.raw_code) == ("sign_not_found", "isv.SMS_SIGNATURE_ILLEGAL")
