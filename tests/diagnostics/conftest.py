"""Diagnostics tests: offline DNS (as in tests/gateways), fake providers, a real local SMTP
server (tests/fakes/smtpserver.py), a helper to configure gateways without the settings
tab's own checks getting in the way."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from core import settings
from tests.fakes.aliyun_records import AliyunRecordsFake
from tests.fakes.httpserver import FakeServer
from tests.fakes.smtpserver import certificate, smtp_server  # noqa: F401 (fixtures)
from tests.fakes.tencent_records import TencentRecordsFake
from tests.fakes.twilio import TwilioFake
from tests.gateways.conftest import OfflineDns

ALIYUN = {"sms.aliyun.access_key_id": "LTAI-test", "sms.aliyun.access_key_secret": "s3cr3t",
          "sms.aliyun.sign_name": "Herald"}
TENCENT = {"sms.tencent.secret_id": "AKID-test", "sms.tencent.secret_key": "tc-s3cr3t",
           "sms.tencent.sdk_app_id": "1400006666", "sms.tencent.sign_name": "Herald"}
TWILIO = {"sms.twilio.account_sid": "AC123", "sms.twilio.auth_token": "tw-token",
          "sms.twilio.from_number": "+15005550006"}
PHONE = "+8613912345678"


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> OfflineDns:
    """No test reaches a real host: unknown names fail like an unknown host."""
    offline = OfflineDns(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", offline)
    return offline


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def aliyun(app) -> Iterator[AliyunRecordsFake]:
    """Alibaba with SendSms, QuerySendDetails and the records: the signature is approved."""
    fake = AliyunRecordsFake({"LTAI-test": "s3cr3t"})
    fake.sign_records["Herald"] = (1, "")
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": server.url + "/",
                         **ALIYUN})
        fake.url = server.url + "/"
        yield fake


@pytest.fixture
def tencent(app) -> Iterator[TencentRecordsFake]:
    fake = TencentRecordsFake({"AKID-test": "tc-s3cr3t"})
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "tencent", "sms.tencent.endpoint": server.url + "/",
                         **TENCENT})
        yield fake


@pytest.fixture
def twilio(app) -> Iterator[TwilioFake]:
    fake = TwilioFake("AC123", "tw-token")
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "twilio", "sms.twilio.endpoint": server.url, **TWILIO,
                         "sms.twilio.status_callback":
                             "http://127.0.0.1:5000/api/callbacks/twilio"})
        yield fake
