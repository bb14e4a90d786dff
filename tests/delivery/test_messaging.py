"""Sending as configured: chain from settings, failover, records, Outbox, Test send."""

import re
import socket

import pytest

from core import crypto, settings
from extensions import db
from gateways.base import Message
from models import DeliveryAttempt, OutboxMessage
from services.delivery import messaging
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer

ALIYUN = {"sms.aliyun.access_key_id": "LTAI-test", "sms.aliyun.access_key_secret": "s3cr3t",
          "sms.aliyun.sign_name": "Herald"}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def aliyun_fake():
    fake = AliyunFake({"LTAI-test": "s3cr3t"})
    with FakeServer(fake) as server:
        fake.url = server.url + "/"
        yield fake


def attempts():
    """Attempts of the test's own messages (signing in also sends admin_login_notice)."""
    return db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose != "admin_login_notice").order_by(DeliveryAttempt.id)).all()


def code_message(to="+8613800138000"):
    return Message(to=to, content="您的验证码是123456", template_code="SMS_1",
                   params={"code": "123456"}, purpose="register")


def test_log_gateway_records_an_attempt_and_an_encrypted_outbox_copy(app):
    delivery = messaging.send("sms", code_message())
    assert delivery.ok
    [row] = attempts()
    assert (row.channel, row.gateway, row.status, row.purpose) == ("sms", "log", "sent", "register")
    outbox = db.session.scalar(db.select(OutboxMessage))
    assert "123456" not in outbox.content
    assert crypto.decrypt(outbox.content) == "您的验证码是123456"


def test_outbox_page_shows_the_message_as_not_sent(app, client, auth):
    messaging.send("sms", code_message())
    auth.login()
    html = client.get("/admin/outbox/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "您的验证码是123456" in html and "+8613800138000" in html


def test_real_gateway_send_is_recorded_with_provider_id(app, aliyun_fake):
    settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": aliyun_fake.url, **ALIYUN})
    delivery = messaging.send("sms", code_message())
    assert delivery.ok, delivery.result
    [row] = attempts()
    assert row.gateway == "aliyun" and row.message_id.endswith("^0")
    assert aliyun_fake.sent[0]["PhoneNumbers"] == "13800138000"
    assert db.session.scalar(db.select(OutboxMessage)) is None


def test_failover_to_the_next_gateway_when_the_first_is_unreachable(app):
    settings.update({"sms.gateway": "aliyun", "sms.fallbacks": "log",
                     "sms.aliyun.endpoint": f"http://127.0.0.1:{closed_port()}/", **ALIYUN})
    delivery = messaging.send("sms", code_message())
    assert delivery.ok and delivery.result.gateway == "log"
    first, second = attempts()
    assert (first.gateway, first.status, first.error) == ("aliyun", "failed", "unreachable")
    assert (second.gateway, second.status) == ("log", "sent")


def test_no_failover_for_errors_no_gateway_can_fix(app, aliyun_fake):
    settings.update({"sms.gateway": "aliyun", "sms.fallbacks": "log",
                     "sms.aliyun.endpoint": aliyun_fake.url, **ALIYUN})
    aliyun_fake.force_code = "isv.AMOUNT_NOT_ENOUGH"
    delivery = messaging.send("sms", code_message())
    assert not delivery.ok and delivery.result.error == "insufficient_balance"
    assert [a.gateway for a in attempts()] == ["aliyun"]


def test_gateway_objects_are_reused_until_settings_change(app):
    first = messaging.build_gateway("sms", "aliyun")
    assert messaging.build_gateway("sms", "aliyun") is first
    settings.update(ALIYUN)
    assert messaging.build_gateway("sms", "aliyun") is not first


def test_chain_lists_each_gateway_once(app):
    settings.update({"sms.gateway": "log", "sms.fallbacks": "aliyun"})
    assert messaging.chain("sms") == ["log", "aliyun"]


@pytest.fixture
def signed_in(client, auth):
    auth.login()
    auth.confirm_protection()
    return client


def sms_tab_form(client, **values):
    from tests.test_settings_pages import tab_form

    form = tab_form(client, "sms")
    form.update(values)
    return form


def test_saving_an_active_gateway_without_credentials_is_not_configured(signed_in):
    form = sms_tab_form(signed_in, sms__gateway="aliyun")
    response = signed_in.post("/admin/settings/sms", data=form,
                              headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "not_configured" in html and "官方接口未配置" in html
    tag = re.search(r'<input[^>]*name="sms__aliyun__access_key_id"[^>]*>', html).group(0)
    assert "is-invalid" in tag
    settings.invalidate()
    assert settings.get("sms.gateway") == "log"


def test_test_send_through_the_log_gateway(signed_in):
    response = signed_in.post("/admin/settings/sms/test-send",
                              data={"destination": "13800138000"},
                              headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "send-result" in html and "alert-success" in html
    [row] = attempts()
    assert row.test and row.destination == "+8613800138000"


def test_test_send_shows_the_provider_error_code_and_fix(signed_in, aliyun_fake):
    settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": aliyun_fake.url,
                     **ALIYUN, "sms.aliyun.sign_name": "Unapproved"})
    response = signed_in.post("/admin/settings/sms/test-send", data={
        "destination": "13800138000", "template_code": "SMS_1", "params": '{"code": "1"}'},
        headers={"Accept-Language": "zh-CN"})
    html = response.get_data(as_text=True)
    assert "sign_not_found" in html and "短信签名未找到" in html
    assert "isv.SMS_SIGNATURE_ILLEGAL" in html
    assert "登录短信商控制台提交签名进行审核" in html  # the fix
    assert "s3cr3t" not in html


def test_test_send_refuses_a_bad_destination_inline(signed_in):
    response = signed_in.post("/admin/settings/sms/test-send", data={"destination": "12"},
                              headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter a valid phone number." in html
    assert attempts() == []


def test_test_send_refuses_bad_json_params(signed_in):
    response = signed_in.post("/admin/settings/sms/test-send", data={
        "destination": "13800138000", "params": "[1, 2"}, headers={"Accept-Language": "en"})
    assert "Enter a JSON object." in response.get_data(as_text=True)


@pytest.mark.parametrize("group", ["sms", "email", "wechat"])
def test_channel_tabs_render_in_both_languages_without_secrets(signed_in, group):
    settings.update({"sms.aliyun.access_key_secret": "NEVER-SHOWN-1",
                     "email.smtp.password": "NEVER-SHOWN-2",
                     "wechat.mp.app_secret": "NEVER-SHOWN-3"})
    for language in ("zh-CN", "en"):
        html = signed_in.get(f"/admin/settings/{group}",
                             headers={"Accept-Language": language}).get_data(as_text=True)
        assert "NEVER-SHOWN" not in html
        assert ("测试发送" if language == "zh-CN" else "Test send") in html


def test_clear_cache_forgets_reused_gateways(app, client, auth):
    first = messaging.build_gateway("sms", "aliyun")
    auth.login()
    client.post("/admin/functions/clear-cache")
    assert messaging.build_gateway("sms", "aliyun") is not first


def test_breaker_skips_a_failing_gateway_and_records_the_skip(app):
    settings.update({"sms.gateway": "aliyun", "sms.fallbacks": "log", "sms.breaker_threshold": 2,
                     "sms.aliyun.endpoint": f"http://127.0.0.1:{closed_port()}/", **ALIYUN})
    for _ in range(2):
        messaging.send("sms", code_message())
    delivery = messaging.send("sms", code_message())
    assert delivery.ok and delivery.result.gateway == "log"
    last_two = attempts()[-2:]
    assert (last_two[0].gateway, last_two[0].status) == ("aliyun", "skipped")
    assert last_two[1].gateway == "log"


def test_sms_tab_shows_breaker_state(app, client, auth):
    settings.update({"sms.gateway": "aliyun", "sms.fallbacks": "log", "sms.breaker_threshold": 1,
                     "sms.aliyun.endpoint": f"http://127.0.0.1:{closed_port()}/", **ALIYUN})
    messaging.send("sms", code_message())
    auth.login()
    html = client.get("/admin/settings/sms", headers={"Accept-Language": "en"}).get_data(
        as_text=True)
    assert "Alibaba Cloud SMS: skipped after repeated failures" in html
    assert "Log only (no SMS is sent): healthy" in html
