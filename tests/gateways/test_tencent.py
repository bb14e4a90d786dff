"""The tencent gateway against a fake SMS API that verifies TC3-HMAC-SHA256 as documented."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

import gateways.tencent as tencent
from gateways.base import Message
from gateways.tencent import TencentGateway, authorization, template_values
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.httpserver import FakeServer
from tests.fakes.tencent import TencentFake

SECRET_ID, SECRET_KEY = "AKIDtestSecretId000000000000000000", "testSecretKey0000000000000000000"
APP_ID = "1400006666"
CODE = Message(to="+8613800138000", template_code="1110", params={"1": "123456", "2": "10"})


@pytest.fixture
def fake():
    return TencentFake({SECRET_ID: SECRET_KEY}, sdk_app_id=APP_ID)


@pytest.fixture
def gateway(fake):
    with FakeServer(fake) as server:
        yield make(server.url + "/")


def make(endpoint: str, **config) -> TencentGateway:
    return TencentGateway({"secret_id": SECRET_ID, "secret_key": SECRET_KEY,
                           "sdk_app_id": APP_ID, "sign_name": "Herald",
                           "endpoint": endpoint, **config}, OPTIONS)


def test_documented_signature_example():
    # Tencent's worked example (CVM DescribeInstances, 2019-02-25).
    payload = (b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
               b'"Name": "instance-name"}]}')
    header = authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                           "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm.tencentcloudapi.com",
                           payload, 1551113065, service="cvm")
    assert header.endswith("/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, "
                           "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")


def test_sends_a_signed_request_and_returns_the_serial_number(gateway, fake):
    result = gateway.send(CODE)

    assert result.ok, result
    assert result.message_id.startswith("5000:")
    body = fake.sent[0]
    assert body["PhoneNumberSet"] == ["+8613800138000"]
    assert (body["SmsSdkAppId"], body["SignName"], body["TemplateId"]) == (APP_ID, "Herald",
                                                                           "1110")
    assert body["TemplateParamSet"] == ["123456", "10"]


def test_chinese_content_is_signed_over_the_exact_bytes_sent(gateway, fake):
    message = Message(to="+8613800138000", template_code="1110",
                      params={"1": "您好，世界", "2": "a\"b\\c"})
    assert gateway.send(message).ok
    assert fake.sent[0]["TemplateParamSet"] == ["您好，世界", "a\"b\\c"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"2": "b", "1": "a", "10": "j"}, ["a", "b", "j"]),  # numeric keys sort by number
    ({"code": "123456", "minutes": "10"}, ["123456", "10"]),  # otherwise mapping order
    ({}, []),
])
def test_template_values_follow_the_template_order(params, expected):
    assert template_values(params) == expected


def test_wrong_secret_key_is_auth_failed(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", secret_key="wrong").send(CODE)
    assert (result.error, result.raw_code, result.retryable) == (
        "auth_failed", "AuthFailure.SignatureFailure", False)


def test_unknown_secret_id_is_auth_failed(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", secret_id="AKIDunknown").send(CODE)
    assert (result.error, result.raw_code) == ("auth_failed", "AuthFailure.SecretIdNotFound")


def test_server_clock_off_is_token_failed(gateway, monkeypatch):
    monkeypatch.setattr(tencent, "time", SimpleNamespace(time=lambda: time.time() - 600))
    result = gateway.send(CODE)
    assert (result.error, result.raw_code) == ("token_failed", "AuthFailure.SignatureExpire")


def test_sdk_app_id_of_another_account_is_wrong_channel(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", sdk_app_id="1400000000").send(CODE)
    assert (result.error, result.raw_code) == ("wrong_channel",
                                               "InvalidParameterValue.SdkAppIdNotExist")


def test_a_failed_number_inside_send_status_set_is_a_failure(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/", sign_name="Unapproved").send(CODE)
    assert (result.ok, result.error, result.raw_code) == (
        False, "sign_not_found", "FailedOperation.SignatureIncorrectOrUnapproved")


def test_bad_number_is_invalid_phone(gateway):
    result = gateway.send(Message(to="+86abc", template_code="1110"))
    assert (result.error, result.raw_code) == ("invalid_phone",
                                               "InvalidParameterValue.IncorrectPhoneNumber")


def test_missing_template_id_fails_before_any_request(fake):
    with FakeServer(fake) as server:
        result = make(server.url + "/").send(Message(to="+8613800138000", content="hi"))
        assert server.requests == []
    assert result.error == "template_number_missing"


CASES = [
    ("AuthFailure.SignatureExpire", "token_failed", False),
    ("AuthFailure.SignatureFailure", "auth_failed", False),
    ("AuthFailure.SecretIdNotFound", "auth_failed", False),
    ("AuthFailure.InvalidSecretId", "auth_failed", False),
    ("UnauthorizedOperation.RequestIpNotInWhitelist", "auth_failed", False),
    ("UnauthorizedOperation.RequestPermissionDeny", "auth_failed", False),
    ("UnauthorizedOperation.ServiceSuspendDueToArrears", "insufficient_balance", False),
    ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "wrong_channel", False),
    ("InvalidParameterValue.SdkAppIdNotExist", "wrong_channel", False),
    ("FailedOperation.SignatureIncorrectOrUnapproved", "sign_not_found", False),
    ("FailedOperation.TemplateIncorrectOrUnapproved", "content_rejected", False),
    ("FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "content_rejected", False),
    ("FailedOperation.ContainSensitiveWord", "content_rejected", False),
    ("InvalidParameterValue.TemplateParameterFormatError", "content_rejected", False),
    ("InvalidParameterValue.TemplateParameterLengthLimit", "content_rejected", False),
    ("InvalidParameterValue.ContentLengthLimit", "content_rejected", False),
    ("InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", "content_rejected", False),
    ("InvalidParameterValue.IncorrectPhoneNumber", "invalid_phone", False),
    ("FailedOperation.PhoneNumberInBlacklist", "invalid_phone", False),
    ("UnsupportedOperation.UnsupportedRegion", "invalid_phone", False),
    ("UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber", "invalid_phone",
     False),
    ("FailedOperation.InsufficientBalanceInSmsPackage", "insufficient_balance", False),
    ("LimitExceeded.PhoneNumberDailyLimit", "provider_rate_limited", True),
    ("LimitExceeded.PhoneNumberThirtySecondLimit", "provider_rate_limited", True),
    ("LimitExceeded.PhoneNumberOneHourLimit", "provider_rate_limited", True),
    ("LimitExceeded.DeliveryFrequencyLimit", "provider_rate_limited", True),
    ("RequestLimitExceeded", "provider_rate_limited", True),
    ("RequestLimitExceeded.IPLimitExceeded", "provider_rate_limited", True),
    ("InternalError.Timeout", "timeout", False),
    ("InternalError", "unreachable", True),
    ("InternalError.OtherError", "unreachable", True),
    ("FailedOperation.SomethingNew", "unknown", False),
]


@pytest.mark.parametrize("where", ["status_set", "error"])
@pytest.mark.parametrize(("code", "error", "retryable"), CASES)
def test_provider_codes_map_onto_the_catalog(gateway, fake, where, code, error, retryable):
    # Whole-request errors (Response.Error) and per-number ones (SendStatusSet) alike.
    setattr(fake, "force_code" if where == "status_set" else "force_error", code)
    result = gateway.send(CODE)
    assert (result.ok, result.error, result.retryable) == (False, error, retryable)
    assert result.raw_code == code and code in result.raw_message


def test_every_mapped_code_is_tested():
    families = {key for key in tencent.ERRORS if key.endswith(".")}
    tested = {code for code, _, _ in CASES}
    assert set(tencent.ERRORS) - families <= tested
    assert all(any(code.startswith(family) for code in tested) for family in families)


@pytest.mark.parametrize("sign", ["【Herald】", "Herald\u3000", " Herald"])
def test_a_sign_refused_for_its_brackets_or_spaces_is_sign_mismatch(fake, sign):
    # Tencent answers as for any unknown sign; only the typed extras tell the two apart.
    with FakeServer(fake) as server:
        result = make(server.url + "/", sign_name=sign).send(CODE)
    assert (result.ok, result.error, result.raw_code) == (
        False, "sign_mismatch", "FailedOperation.SignatureIncorrectOrUnapproved")
    assert "set it to 'Herald'" in result.raw_message
    assert "signature not approved" in result.raw_message  # the provider's own words kept
