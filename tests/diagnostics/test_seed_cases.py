"""Seed 001's nine failures and seed 000's "sent, but the customer got nothing", each
reproduced against fake providers and shown with its catalog code and fix on the
diagnostics page, in the tracer or in the log."""

from __future__ import annotations

import pytest
from markupsafe import escape

from blueprints.admin_diagnostics.views import PAGE_FIXES
from core import catalog, settings
from extensions import db
from models import DeliveryAttempt, Member
from services.codes import issue as codes
from services.codes import sending
from services.codes.issue import CodeRequest
from services.codes.limits import LimitReached
from tests.diagnostics.conftest import ALIYUN, PHONE
from tests.diagnostics.helpers import ZH, page, send_sms, store_unchecked
from tests.fakes.httpserver import FakeServer, Reply


def fix_shown(html: str, code: str, locale: str = "en") -> bool:
    return f"<code>{code}</code>" in html and str(escape(catalog.fix(code, locale))) in html


def test_1_not_configured_on_the_diagnostics_page(app, client, auth):
    # A fallback with empty credentials: the tab only checks the active gateway.
    settings.update({"sms.fallbacks": "tencent"})
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "not_configured")
    assert "SecretId" in html  # names the empty field


def test_1_not_configured_in_both_languages(app, client, auth):
    settings.update({"sms.fallbacks": "tencent"})
    auth.login()
    html = page(client, "/admin/diagnostics/", ZH)
    assert "官方接口未配置" in html and str(escape(catalog.fix("not_configured", "zh_CN"))) in html


def test_2_wrong_channel_when_credentials_sit_under_another_gateway(app, client, auth):
    store_unchecked({"sms.gateway": "smsbao", **ALIYUN})  # Alibaba filled in, SMSBao chosen
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "wrong_channel")
    assert ("Credentials are filled in for Alibaba Cloud SMS, but the active gateway is "
            "SMSBao") in html


def test_2_wrong_channel_from_the_provider_in_the_tracer(app, client, auth, tencent):
    tencent.sdk_app_id = "1400009999"  # the keys belong to another SdkAppId
    assert not send_sms(PHONE).ok
    auth.login()
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")
    assert fix_shown(html, "wrong_channel")
    assert "InvalidParameterValue.SdkAppIdNotExist" in html


def test_3_sign_mismatch_for_a_signature_typed_with_brackets(app, client, auth, aliyun):
    # The tab now refuses the brackets; a database from an older release can hold them.
    store_unchecked({"sms.aliyun.sign_name": "【Herald】"})
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "sign_mismatch")
    assert "without 【】" in html


def test_3_sign_mismatch_from_the_provider_in_the_log(app, client, auth, aliyun):
    aliyun.force_code = "isv.SMS_SIGNATURE_SCENE_ILLEGAL"
    assert send_sms(PHONE).result.error == "sign_mismatch"
    auth.login()
    html = page(client, "/admin/logs/notifications")
    assert fix_shown(html, "sign_mismatch")


def test_4_sign_not_found_in_the_tracer_and_on_the_diagnostics_page(app, client, auth, aliyun):
    settings.update({"sms.aliyun.sign_name": "Unapproved"})
    assert send_sms(PHONE).result.error == "sign_not_found"
    auth.login()
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")
    assert fix_shown(html, "sign_not_found")
    html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "sign_not_found") and "isv.SMS_SIGNATURE_ILLEGAL" in html


def test_5_token_failed_on_the_diagnostics_page(app, client, auth):
    with FakeServer() as wechat:
        wechat.route("/cgi-bin/token", lambda r: Reply.json(
            {"errcode": 40125, "errmsg": "invalid appsecret"}))
        settings.update({"wechat.gateway": "mp", "wechat.mp.app_id": "wx123",
                         "wechat.mp.app_secret": "wrong", "wechat.mp.endpoint": wechat.url})
        auth.login()
        html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "token_failed") and "40125" in html and "wrong" not in html


def test_6_code_limit_in_the_tracer(app, client, auth):
    settings.update({"member.daily_cap_phone": 1})
    request = CodeRequest("register", PHONE, "s:abc", ip="198.51.100.7")
    sending.send(request, "zh_CN")
    with pytest.raises(LimitReached):
        codes.issue(CodeRequest("login", PHONE, "s:abc", ip="198.51.100.7"))
    auth.login()
    html = page(client, "/admin/diagnostics/tracer?q=13912345678", ZH)
    assert "发送失败，已达验证码发送上限" in html
    assert str(escape(catalog.fix("code_limit", "zh_CN"))) in html
    assert fix_shown(page(client, "/admin/diagnostics/"), "code_limit")


def test_7_operation_protection_send_failure_in_the_tracer(app, client, auth, closed_port):
    store_unchecked({"sms.gateway": "smsbao", "sms.smsbao.username": "u",
                     "sms.smsbao.password": "p", "sms.smsbao.signature": "Herald",
                     "sms.smsbao.endpoint": f"http://127.0.0.1:{closed_port}/"})
    admin_phone = auth.admin.phone
    sent = sending.send(CodeRequest("operation_protection", admin_phone, "a:1",
                                    action="settings.sms"), "en")
    assert not sent.delivered
    auth.login()
    html = page(client, f"/admin/diagnostics/tracer?q={admin_phone}")
    assert "operation_protection" in html and fix_shown(html, "unreachable")


def test_8_template_number_missing_on_the_diagnostics_page(app, client, auth, aliyun):
    auth.login()
    html = page(client, "/admin/diagnostics/")
    assert fix_shown(html, "template_number_missing")
    assert "Alibaba Cloud SMS sends by template number" in html
    # Gateways by their label and languages by their name, never "aliyun" or "zh_CN, en".
    assert "of this template (简体中文, English)" in html and "zh_CN, en" not in html


def test_8_template_number_missing_in_the_tracer(app, client, auth, aliyun):
    assert send_sms(PHONE, template_code="").result.error == "template_number_missing"
    auth.login()
    assert fix_shown(page(client, f"/admin/diagnostics/tracer?q={PHONE}"),
                     "template_number_missing")


def test_9_unreachable_on_the_diagnostics_page(app, client, auth, closed_port):
    store_unchecked({"sms.gateway": "smsbao", "sms.smsbao.username": "u",
                     "sms.smsbao.password": "p", "sms.smsbao.signature": "Herald",
                     "sms.smsbao.endpoint": f"http://127.0.0.1:{closed_port}/"})
    auth.login()
    html = page(client, "/admin/diagnostics/", ZH)
    assert "接口不通" in html and "connect_failed" in html
    # The catalog's fix says "run the connectivity check": not on the page that runs it.
    assert str(escape(catalog.fix("unreachable", "zh_CN"))) not in html
    with app.test_request_context(headers=ZH):
        assert str(PAGE_FIXES["unreachable"]) in html


def test_sent_but_not_received_shows_undelivered_and_the_phone_advice(app, client, auth,
                                                                     aliyun):
    assert send_sms(PHONE).ok
    row = db.session.scalar(db.select(DeliveryAttempt))
    aliyun.receipts[row.message_id] = (2, "MK:0001", "")
    auth.login()
    # Before a report: sent, no receipt: the seed's advice already applies.
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}", ZH)
    assert "双卡双待" in html and "拦截软件" in html and "换个手机试试" in html
    response = client.post(f"/admin/diagnostics/attempts/{row.id}/poll",
                           data={"next": f"/admin/diagnostics/tracer?q={PHONE}"})
    assert response.status_code == 302
    db.session.refresh(row)
    assert (row.delivery_status, row.delivery_error) == ("undelivered", "MK:0001")
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")
    assert "Undelivered" in html and "MK:0001" in html
    assert "swap the two SIM cards" in html and "SMS-blocking app" in html
    assert str(escape(catalog.fix("undelivered", "en"))) in html


def test_sent_and_delivered_needs_no_phone_advice(app, client, auth, aliyun):
    assert send_sms(PHONE).ok
    row = db.session.scalar(db.select(DeliveryAttempt))
    aliyun.receipts[row.message_id] = (3, "DELIVERED", "2026-11-23 18:00:05")
    auth.login()
    client.post(f"/admin/diagnostics/attempts/{row.id}/poll")
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")
    assert "Delivered" in html and "swap the two SIM cards" not in html


def test_the_tracer_shows_whether_sms_is_ticked_for_the_event(app, client, auth):
    db.session.add(Member(phone=PHONE))
    db.session.commit()
    auth.login()
    html = page(client, f"/admin/diagnostics/tracer?q={PHONE}")
    # Seed 000: server notices start with SMS unticked (in-site and WeChat ticked).
    row = html.split('data-event="server_opened"')[1].split("</tr>")[0]
    assert 'data-channel="sms" data-on="no"' in row
    assert 'data-channel="insite" data-on="yes"' in row
