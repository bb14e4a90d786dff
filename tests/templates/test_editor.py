"""System → Notification templates: the editors, preview, Test send and restore default."""

from __future__ import annotations

import pytest

from extensions import db
from models import AuditEntry, InsiteMessage, MessageTemplate
from services.templates import rendering
from tests.notify.conftest import EN, SERVER_VARS, ZH, attempts, make_member

URL = "/admin/templates/server_opened/{channel}/{locale}"


def stored(channel="sms", locale="en"):
    return db.session.scalar(db.select(MessageTemplate).where(
        MessageTemplate.purpose == "server_opened", MessageTemplate.channel == channel,
        MessageTemplate.locale == locale))


@pytest.mark.parametrize("channel", ["sms", "email", "insite", "wechat"])
def test_each_editor_renders_in_both_languages_with_the_variables(signed_in, channel):
    zh = signed_in.get(URL.format(channel=channel, locale="zh_CN"), headers=ZH)
    en = signed_in.get(URL.format(channel=channel, locale="en"), headers=EN)
    assert zh.status_code == en.status_code == 200
    zh_html, en_html = zh.get_data(as_text=True), en.get_data(as_text=True)
    assert "{{ server_name }}" in en_html and "hk-web-01" in en_html  # variable + sample
    assert "变量" in zh_html and "测试发送" in zh_html and "恢复默认" in zh_html
    assert "Variables" in en_html and "Test send" in en_html and "Restore default" in en_html


def test_the_editor_shows_the_default_until_one_is_saved(signed_in):
    html = signed_in.get(URL.format(channel="sms", locale="zh_CN"), headers=ZH).get_data(
        as_text=True)
    assert "已开通" in html and "默认" in html


def test_saving_needs_operation_protection(signed_in):
    response = signed_in.post(URL.format(channel="sms", locale="en"),
                              data={"text": "Ready: {{ server_name }}", "save": "1"})
    assert response.status_code == 302 and "/admin/confirm/" in response.headers["Location"]
    assert stored() is None


def test_a_valid_template_is_saved_audited_and_used(confirmed):
    response = confirmed.post(URL.format(channel="sms", locale="en"), data={
        "text": "Ready: {{ server_name }}", "template_code": "SMS_154950909",
        "params": "name = {{ server_name }}\nexpires = {{ expires_at }}", "save": "1"})
    assert response.status_code == 302
    row = stored()
    assert row.text == "Ready: {{ server_name }}" and row.template_code == "SMS_154950909"
    assert row.params == {"name": "{{ server_name }}", "expires": "{{ expires_at }}"}
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "templates.save"))
    assert entry.target == "server_opened/sms/en" and "text" in entry.changes
    rendered = rendering.render("server_opened", "sms", "en", {**SERVER_VARS, "site_name": "H",
                                                                "member_name": "m"})
    assert rendered.text == "Ready: hk-web-01" and rendered.template_code == "SMS_154950909"
    assert rendered.params == {"name": "hk-web-01", "expires": "2026-12-31"}


@pytest.mark.parametrize("channel, data, field, words", [
    ("sms", {"text": "{{ ''.__class__.__mro__ }}"}, "text", "Attribute access"),
    ("sms", {"text": "ok", "params": "code = {{ 'a'|attr('format') }}"}, "params",
     "The filter attr is not allowed."),
    ("sms", {"text": "ok", "params": "no equals sign"}, "params", "write name = template text"),
    ("email", {"subject": "Hi", "html": "<p>{{ 'x' * 10**9 }}</p>", "text": "t"}, "html",
     "Arithmetic is not allowed"),
    ("email", {"subject": "{{ nope }}", "html": "<p>x</p>", "text": "t"}, "subject",
     "Unknown variable nope"),
    ("insite", {"subject": "Title", "text": "line\n{% if %}"}, "text", "Line 2: Syntax error"),
    ("wechat", {"template_code": "bad id!", "params": "first = x"}, "template_code", "at most 64"),
    ("wechat", {"template_code": "T1", "params": "keyword1 = {{ server_name.upper() }}"},
     "params", "Attribute access"),
])
def test_each_editor_refuses_inline_and_keeps_the_stored_template(confirmed, channel, data,
                                                                    field, words):
    url = URL.format(channel=channel, locale="en")
    good = {"sms": {"text": "Kept {{ server_name }}"},
            "email": {"subject": "Kept", "html": "<p>Kept</p>", "text": "Kept"},
            "insite": {"subject": "Kept", "text": "Kept"},
            "wechat": {"template_code": "KEPT", "params": "first = Kept"}}[channel]
    assert confirmed.post(url, data={**good, "save": "1"}).status_code == 302
    response = confirmed.post(url, data={**data, "save": "1"}, headers=EN)
    html = response.get_data(as_text=True)
    # A line the form cannot even parse is the form's invalid_input; the rest the validator's.
    assert response.status_code == 200 and words in html
    assert ("invalid_input" if "equals" in str(data) else "template_invalid") in html
    assert f'id="{field}"' in html and "is-invalid" in html
    row = stored(channel)
    assert "Kept" in (row.text + row.subject + row.template_code + str(row.params))


def test_refusal_is_shown_in_chinese_too(confirmed):
    html = confirmed.post(URL.format(channel="sms", locale="zh_CN"), data={
        "text": "x\n{{ ''.__class__ }}", "save": "1"}, headers=ZH).get_data(as_text=True)
    assert "第 2 行" in html and "模板有误" in html


def test_preview_renders_unsaved_text_with_sample_values(signed_in):
    response = signed_in.post(URL.format(channel="email", locale="en"), data={
        "subject": "{{ site_name }}: {{ server_name }}", "html": "<b>{{ product }}</b>",
        "text": "t", "preview": "1"}, headers=EN)
    html = response.get_data(as_text=True)
    assert "Herald: hk-web-01" in html and "&lt;b&gt;Cloud server 2C4G&lt;/b&gt;" in html
    assert stored("email") is None


def test_preview_refuses_an_unsafe_template_too(signed_in):
    html = signed_in.post(URL.format(channel="sms", locale="en"), data={
        "text": "{{ 'x' * 10**9 }}", "preview": "1"}, headers=EN).get_data(as_text=True)
    assert "Arithmetic is not allowed" in html and "preview-text" not in html


def test_test_send_sms_goes_through_messaging_to_the_typed_number(signed_in):
    response = signed_in.post(URL.format(channel="sms", locale="en"), data={
        "text": "Test {{ server_name }}", "destination": "13800138000", "test": "1"},
        headers=EN)
    html = response.get_data(as_text=True)
    assert "send-result" in html and "alert-success" in html
    [row] = attempts(purpose="server_opened")
    assert row.test and row.destination == "+8613800138000"
    assert stored() is None  # a test send saves nothing


def test_test_send_refuses_a_bad_number_inline(signed_in):
    html = signed_in.post(URL.format(channel="sms", locale="en"), data={
        "text": "x", "destination": "12", "test": "1"}, headers=EN).get_data(as_text=True)
    assert "Enter a valid phone number." in html and attempts(purpose="server_opened") == []


def test_test_send_insite_reaches_the_members_inbox(signed_in):
    member = make_member()
    html = signed_in.post(URL.format(channel="insite", locale="en"), data={
        "subject": "T {{ server_name }}", "text": "B", "destination": "13800138000",
        "test": "1"}, headers=EN).get_data(as_text=True)
    assert "alert-success" in html
    [message] = db.session.scalars(db.select(InsiteMessage)).all()
    assert message.member_id == member.id and message.title == "T hk-web-01"
    [row] = attempts(purpose="server_opened")
    assert row.test and row.channel == "insite"


def test_test_send_email_through_a_real_smtp_server(signed_in, smtp_inbox):
    html = signed_in.post(URL.format(channel="email", locale="en"), data={
        "subject": "About {{ server_name }}", "html": "<p>{{ server_name }}</p>", "text": "t",
        "destination": "ops@example.org", "test": "1"}, headers=EN).get_data(as_text=True)
    assert "alert-success" in html, html
    [(envelope, message)] = smtp_inbox.received
    assert envelope.rcpt_tos == ["ops@example.org"] and message["Subject"] == "About hk-web-01"


def test_restore_default_drops_the_stored_template(confirmed):
    url = URL.format(channel="sms", locale="en")
    confirmed.post(url, data={"text": "Custom {{ server_name }}", "save": "1"})
    assert stored() is not None
    response = confirmed.post(url + "/restore")
    assert response.status_code == 302 and stored() is None
    rendered = rendering.render("server_opened", "sms", "en", {**SERVER_VARS, "site_name": "H",
                                                                "member_name": "m"})
    assert rendered.text.startswith("H: Your server hk-web-01")
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "templates.restore")) is not None


def test_restore_needs_operation_protection(signed_in):
    response = signed_in.post(URL.format(channel="sms", locale="en") + "/restore")
    assert "/admin/confirm/" in response.headers["Location"]


def test_a_channel_the_event_cannot_use_has_no_editor(signed_in):
    assert signed_in.get("/admin/templates/register/email/en").status_code == 404
    assert signed_in.get("/admin/templates/nope/sms/en").status_code == 404
    assert signed_in.get("/admin/templates/register/sms/fr").status_code == 404


def test_a_parked_save_runs_once_the_code_is_confirmed(signed_in):
    import re

    from core import crypto
    from models import OutboxMessage

    response = signed_in.post(URL.format(channel="sms", locale="en"),
                              data={"text": "Confirmed {{ server_name }}", "save": "1"})
    confirm_url = response.headers["Location"]
    assert signed_in.post(f"{confirm_url}/send", data={"channel": "sms"}).status_code == 302
    outbox = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    code = re.search(r"\d{6}", crypto.decrypt(outbox.content)).group(0)
    assert signed_in.post(confirm_url, data={"code": code, "confirm": "1"}).status_code == 302
    assert stored().text == "Confirmed {{ server_name }}"


def test_a_refused_template_is_shown_before_any_code_is_asked(signed_in):
    response = signed_in.post(URL.format(channel="sms", locale="en"),
                              data={"text": "{{ ''.__class__ }}", "save": "1"}, headers=EN)
    assert response.status_code == 200 and "Attribute access" in response.get_data(as_text=True)
