"""Provider records and balances against fakes that verify each provider's signature:
Alibaba QuerySmsSign / QuerySmsTemplate, Tencent DescribeSmsTemplateList /
DescribeSmsSignList / SmsPackagesStatistics, SMSBao /query and Twilio Balance.json."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gateways import aliyun_records, tencent_records
from gateways.aliyun import AliyunGateway
from gateways.balance import describe, read_balance
from gateways.records import APPROVED, MESSAGES, MISSING, REFUSED, REVIEWING, SIGN
from gateways.smsbao import SmsbaoGateway
from gateways.status import StatusQueryFailed
from gateways.tencent import TencentGateway
from gateways.twilio import TwilioGateway
from tests.fakes import GATEWAY_OPTIONS as OPTIONS
from tests.fakes.aliyun_records import AliyunRecordsFake
from tests.fakes.balances import SmsbaoBalanceFake, TwilioBalanceFake
from tests.fakes.httpserver import FakeServer
from tests.fakes.tencent_records import TencentRecordsFake

ALIYUN_KEY, ALIYUN_SECRET = "LTAI5tRecords0001", "records-secret-0123456789"
TENCENT_ID, TENCENT_KEY = "AKIDrecords0001", "tencent-records-key-0123"
CODE_TEXT = "您的验证码为${code}，该验证码5分钟内有效，请勿泄漏于他人！"


@pytest.fixture
def aliyun():
    fake = AliyunRecordsFake({ALIYUN_KEY: ALIYUN_SECRET})
    with FakeServer(fake) as server:
        gateway = AliyunGateway({"access_key_id": ALIYUN_KEY, "access_key_secret": ALIYUN_SECRET,
                                 "sign_name": "Herald", "endpoint": server.url + "/"}, OPTIONS)
        yield fake, gateway


@pytest.fixture
def tencent():
    fake = TencentRecordsFake({TENCENT_ID: TENCENT_KEY})
    with FakeServer(fake) as server:
        gateway = TencentGateway({"secret_id": TENCENT_ID, "secret_key": TENCENT_KEY,
                                  "sdk_app_id": "1400006666", "sign_name": "Herald",
                                  "endpoint": server.url + "/"}, OPTIONS)
        yield fake, gateway


def test_aliyun_sign_approved_reviewing_and_refused_with_the_reason(aliyun):
    fake, gateway = aliyun
    fake.sign_records["Herald"] = (1, "")
    assert aliyun_records.query_sign(gateway, "Herald").status == APPROVED
    fake.sign_records["Herald"] = (0, "")
    assert aliyun_records.query_sign(gateway, "Herald").status == REVIEWING
    fake.sign_records["Herald"] = (2, "签名与企业名称不符")

    record = aliyun_records.query_sign(gateway, "Herald")

    assert (record.kind, record.status, record.reason) == (SIGN, REFUSED, "签名与企业名称不符")
    assert [q["SignName"] for q in fake.record_queries] == ["Herald"] * 3


def test_aliyun_unknown_sign_and_template_are_missing_records(aliyun):
    _fake, gateway = aliyun
    assert aliyun_records.query_sign(gateway, "Nobody").status == MISSING
    assert aliyun_records.query_template(gateway, "SMS_0").status == MISSING


def test_aliyun_template_brings_its_approved_text(aliyun):
    fake, gateway = aliyun
    fake.template_records["SMS_154950909"] = (1, CODE_TEXT, "")

    record = aliyun_records.query_template(gateway, "SMS_154950909")

    assert (record.status, record.content, record.reason) == (APPROVED, CODE_TEXT, "")


def test_aliyun_refused_template_keeps_the_reviewers_words(aliyun):
    fake, gateway = aliyun
    fake.template_records["SMS_1"] = (2, CODE_TEXT, "模板内容含有营销信息")
    assert aliyun_records.query_template(gateway, "SMS_1").reason == "模板内容含有营销信息"


def test_aliyun_wrong_secret_is_a_failed_query_with_auth_failed(aliyun):
    _fake, gateway = aliyun
    gateway.config["access_key_secret"] = "not-the-secret"
    with pytest.raises(StatusQueryFailed) as caught:
        aliyun_records.query_sign(gateway, "Herald")
    assert (caught.value.result.error, caught.value.result.raw_code) == \
        ("auth_failed", "SignatureDoesNotMatch")


def test_tencent_templates_each_status_and_a_missing_id(tencent):
    fake, gateway = tencent
    fake.template_records = {1001: (0, "验证码{1}，{2}分钟内有效", ""), 1002: (1, "", ""),
                             1003: (-1, "", "变量格式不规范")}

    records = tencent_records.describe_templates(gateway, ["1001", "1002", "1003", "1004",
                                                           "SMS_x"])

    assert [(r.key, r.status) for r in records] == [
        ("1001", APPROVED), ("1002", REVIEWING), ("1003", REFUSED), ("1004", MISSING),
        ("SMS_x", MISSING)]
    assert records[0].content == "验证码{1}，{2}分钟内有效"
    assert records[2].reason == "变量格式不规范"
    action, body = fake.record_queries[0]
    assert action == "DescribeSmsTemplateList"
    assert body == {"TemplateIdSet": [1001, 1002, 1003, 1004], "International": 0}


def test_tencent_sign_by_id(tencent):
    fake, gateway = tencent
    fake.sign_records[3001] = (-1, "Herald", "签名未提供证明材料")

    record = tencent_records.describe_sign(gateway, "3001")

    assert (record.key, record.status, record.reason) == ("Herald", REFUSED, "签名未提供证明材料")
    assert tencent_records.describe_sign(gateway, "3002").status == MISSING


def test_tencent_package_balance_sums_live_packages(tencent):
    fake, gateway = tencent
    fake.package(1000, 250)
    fake.package(500, 0)
    fake.package(9000, 10, expires="2020-01-01 00:00:00")  # expired: not counted

    balance = read_balance(gateway)

    assert (balance.amount, balance.unit) == (Decimal(1250), MESSAGES)
    assert describe(balance) == "1250 messages"
    _action, body = fake.record_queries[0]
    assert body["SmsSdkAppId"] == "1400006666" and body["BeginTime"] < body["EndTime"]


def test_tencent_wrong_key_fails_the_query(tencent):
    _fake, gateway = tencent
    gateway.config["secret_key"] = "wrong"
    with pytest.raises(StatusQueryFailed) as caught:
        tencent_records.describe_templates(gateway, ["1001"])
    assert caught.value.result.error == "auth_failed"


@pytest.mark.parametrize("kind", ["api_key", "password"])
def test_smsbao_balance(kind):
    fake = SmsbaoBalanceFake("herald", "pass-word", "api-key-123", left=321)
    with FakeServer(fake) as server:
        gateway = SmsbaoGateway({"username": "herald", "signature": "Herald",
                                 "password": "api-key-123" if kind == "api_key" else "pass-word",
                                 "password_kind": kind, "endpoint": server.url + "/"}, OPTIONS)
        balance = read_balance(gateway)
    assert (balance.amount, balance.unit, fake.balance_queries) == (Decimal(321), MESSAGES, 1)


def test_smsbao_balance_error_code_maps_to_the_catalog():
    fake = SmsbaoBalanceFake("herald", "pass-word", "api-key-123")
    with FakeServer(fake) as server:
        gateway = SmsbaoGateway({"username": "herald", "password": "wrong-key",
                                 "signature": "Herald", "endpoint": server.url + "/"}, OPTIONS)
        with pytest.raises(StatusQueryFailed) as caught:
            read_balance(gateway)
    assert (caught.value.result.error, caught.value.result.raw_code) == ("auth_failed", "30")
    assert "wrong-key" not in caught.value.result.raw_message


def test_twilio_balance_and_a_wrong_token():
    fake = TwilioBalanceFake("AC42", "tw-token", balance="3.5", currency="usd")
    with FakeServer(fake) as server:
        gateway = TwilioGateway({"account_sid": "AC42", "auth_token": "tw-token",
                                 "from_number": "+15005550006", "endpoint": server.url}, OPTIONS)
        balance = read_balance(gateway)
        gateway.config["auth_token"] = "wrong"
        with pytest.raises(StatusQueryFailed) as caught:
            read_balance(gateway)
    assert (balance.amount, balance.unit, describe(balance)) == (Decimal("3.5"), "USD",
                                                                "3.50 USD")
    assert (caught.value.result.error, caught.value.result.raw_code) == ("auth_failed", "20003")


def test_unreachable_provider_is_a_failed_query(unused_port):
    gateway = SmsbaoGateway({"username": "u", "password": "p", "signature": "S",
                             "endpoint": f"http://127.0.0.1:{unused_port}/"}, OPTIONS)
    with pytest.raises(StatusQueryFailed) as caught:
        read_balance(gateway)
    assert caught.value.result.error == "unreachable"


def test_alibaba_reports_no_balance(aliyun):
    assert read_balance(aliyun[1]) is None
