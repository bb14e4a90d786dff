"""notify(): every enabled channel through fakes, skips, SMS copies, language, refusals."""

from __future__ import annotations

import pytest

from core import settings
from extensions import db
from models import OutboxMessage
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.dispatch import NotifyError
from services.notify.fanout import notify_many
from services.notify.jobs import notify
from services.templates import store as template_store
from tests.fakes.aliyun import AliyunFake
from tests.fakes.httpserver import FakeServer
from tests.gateways.test_wechat import APP_ID, APP_SECRET, OPENID, FakeWechat
from tests.notify.conftest import SERVER_VARS, attempts, inbox, make_member

OPENED = events.get("server_opened")


def switch_on(*channels: str, event: str = "server_opened") -> None:
    event_settings.save({event: event_settings.Switches(True, channels)})


@pytest.fixture
def aliyun():
    fake = AliyunFake({"LTAI-test": "s3cr3t"})
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "aliyun", "sms.aliyun.endpoint": server.url + "/",
                         "sms.aliyun.access_key_id": "LTAI-test",
                         "sms.aliyun.access_key_secret": "s3cr3t",
                         "sms.aliyun.sign_name": "Herald"})
        yield fake


@pytest.fixture
def wechat():
    with FakeServer() as server:
        fake = FakeWechat(server)
        settings.update({"wechat.gateway": "mp", "wechat.mp.app_id": APP_ID,
                         "wechat.mp.app_secret": APP_SECRET, "wechat.mp.endpoint": server.url})
        yield fake


def test_dispatch_on_all_four_channels_through_fakes(app, aliyun, smtp_inbox, wechat):
    member = make_member(openid=OPENID, language="en")
    template_store.save(OPENED, "sms", "en", {"text": "Ready {{ server_name }}",
                                              "template_code": "SMS_154950909",
                                              "params": {"name": "{{ server_name }}"}})
    template_store.save(OPENED, "wechat", "en", {"template_code": "TPL-opened",
                                                 "params": {"first": "{{ server_name }} ready",
                                                            "keyword1": "{{ product }}"}})
    switch_on(*events.ALL_CHANNELS)
    outcomes = {o.channel: o for o in notify("server_opened", member, **SERVER_VARS)}
    assert {c: o.status for c, o in outcomes.items()} == dict.fromkeys(events.ALL_CHANNELS,
                                                                       "sent")
    [sms] = aliyun.sent
    assert sms["TemplateCode"] == "SMS_154950909" and '"name":"hk-web-01"' in sms[
        "TemplateParam"].replace(" ", "")
    [(envelope, mail)] = smtp_inbox.received
    assert envelope.rcpt_tos == ["member@example.com"]
    assert mail["Subject"] == "Herald: Server opened"
    assert "hk-web-01" in mail.get_body(("html",)).get_content()
    [request] = wechat.sent
    body = request.json()
    assert body["template_id"] == "TPL-opened" and body["touser"] == OPENID
    assert body["data"]["first"]["value"] == "hk-web-01 ready"
    [notice, copy] = sorted(inbox(member.id), key=lambda m: m.origin_channel)
    assert notice.origin_channel == "insite" and notice.title == "Server opened"
    assert copy.origin_channel == "sms" and copy.body == "Ready hk-web-01"
    assert not copy.in_inbox  # the member already has the in-site notice
    assert {a.channel for a in attempts(status="sent")} == set(events.ALL_CHANNELS)


def test_a_channel_without_destination_is_skipped_not_failed(app):
    member = make_member(phone=None, email=None)
    switch_on(*events.ALL_CHANNELS)
    outcomes = {o.channel: (o.status, o.error) for o in notify("server_opened", member,
                                                               **SERVER_VARS)}
    assert outcomes["sms"] == outcomes["email"] == ("skipped", "no_destination")
    assert outcomes["wechat"] == ("skipped", "not_bound")  # WeChat's address is a binding
    assert outcomes["insite"] == ("sent", "")
    skipped = attempts(status="skipped")
    assert {a.channel for a in skipped} == {"sms", "email", "wechat"}
    assert {a.destination for a in skipped} == {f"member:{member.id}"}
    assert attempts(status="failed") == []


def test_every_sent_sms_leaves_an_in_site_copy_the_member_sees(app):
    member = make_member()
    switch_on("sms")
    notify("server_opened", member, **SERVER_VARS)
    [copy] = inbox(member.id)
    assert copy.origin_channel == "sms" and copy.in_inbox and copy.title == "服务器开通通知"
    assert "hk-web-01" in copy.body
    assert db.session.scalar(db.select(OutboxMessage)) is not None  # the log gateway's record


def test_a_failed_sms_leaves_no_copy(app, aliyun):
    member = make_member()
    switch_on("sms")
    # Seed 001 item 8: a template-only provider with no template number in the template.
    [outcome, *_] = notify("server_opened", member, **SERVER_VARS)
    assert (outcome.status, outcome.error) == ("failed", "template_number_missing")
    assert inbox(member.id) == [] and aliyun.sent == []
    [row] = attempts(channel="sms")
    assert row.status == "failed" and row.error == "template_number_missing"


def test_the_members_language_chooses_else_the_site_default(app):
    switch_on("insite")
    chinese, english = make_member(), make_member(phone="+8613900139000", email="b@x.org",
                                                  language="en")
    notify("server_opened", chinese, **SERVER_VARS)
    notify("server_opened", english, **SERVER_VARS)
    assert inbox(chinese.id)[0].title == "服务器开通通知"
    assert inbox(english.id)[0].title == "Server opened"
    settings.update({"basic.default_language": "en"})
    notify("server_opened", chinese, **SERVER_VARS)
    assert inbox(chinese.id)[-1].title == "Server opened"


def test_a_stored_template_wins_over_the_default(app):
    member = make_member()
    switch_on("insite")
    template_store.save(OPENED, "insite", "zh_CN", {"subject": "开通啦 {{ server_name }}",
                                                    "text": "x"})
    notify("server_opened", member, **SERVER_VARS)
    assert inbox(member.id)[0].title == "开通啦 hk-web-01"


@pytest.mark.parametrize("variables, code", [
    ({"server_name": "a"}, "missing_variables"),
    ({**SERVER_VARS, "password": "x"}, "unknown_variables"),
    ({**SERVER_VARS, "product": "x" * 1001}, "bad_request"),
])
def test_bad_variables_are_refused_before_anything_is_sent(app, variables, code):
    member = make_member()
    switch_on(*events.ALL_CHANNELS)
    with pytest.raises(NotifyError) as refused:
        notify("server_opened", member, **variables)
    assert refused.value.code == code
    assert attempts() == [] and inbox() == []


def test_unknown_events_and_scenes_are_refused(app):
    member = make_member()
    for name in ("server_exploded", "register"):
        with pytest.raises(NotifyError) as refused:
            notify(name, member)
        assert refused.value.code == "unknown_event"


def test_a_disabled_member_is_refused(app):
    member = make_member(status="disabled")
    with pytest.raises(NotifyError) as refused:
        notify("server_opened", member, **SERVER_VARS)
    assert refused.value.code == "member_disabled" and attempts() == []


def test_site_and_member_name_are_filled_in(app):
    member = make_member()
    switch_on("insite")
    template_store.save(OPENED, "insite", "zh_CN", {"subject": "{{ site_name }}",
                                                    "text": "{{ member_name }}"})
    notify("server_opened", member, **SERVER_VARS)
    assert (inbox()[0].title, inbox()[0].body) == ("Herald", "138****8000")


def test_fan_out_follows_the_same_rules(app):
    switch_on("sms", "insite")
    members = [make_member(phone=f"+86138001380{i:02d}", email=None) for i in range(5)]
    members.append(make_member(phone=None, email="nophone@example.com"))
    members.append(make_member(phone="+8613700137000", email=None, status="disabled"))
    summary = notify_many("server_opened", members, batch_size=2, **SERVER_VARS)
    assert summary.members == 7 and summary.disabled == 1
    assert summary.counts[("sms", "sent")] == 5 and summary.counts[("sms", "skipped")] == 1
    assert summary.counts[("insite", "sent")] == 6
    assert len(attempts(channel="insite", status="sent")) == 6
    assert len(attempts(channel="sms", status="sent")) == 5
    assert len(inbox()) == 6 + 5  # notices plus SMS copies
    assert len(db.session.scalars(db.select(OutboxMessage)).all()) == 5


def test_fan_out_refuses_bad_variables_before_sending(app):
    member = make_member()
    with pytest.raises(NotifyError):
        notify_many("server_opened", [member], server_name="only")
    assert attempts() == []


def test_the_sms_copy_is_titled_in_the_members_language(app):
    member = make_member(language="en")
    switch_on("sms")
    notify("server_opened", member, **SERVER_VARS)
    [copy] = inbox(member.id)
    assert copy.title == "Server opened" and copy.body.startswith("Herald: Your server")
