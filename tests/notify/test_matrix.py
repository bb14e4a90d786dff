"""The seed 000 matrix: per event enabled + a switch per channel; "-" where it cannot go."""

from __future__ import annotations

import re

from extensions import db
from models import AuditEntry, EventSetting, MessageTemplate
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.jobs import notify
from tests.notify.conftest import EN, SERVER_VARS, ZH, attempts, inbox, make_member


def matrix_form(**overrides) -> dict:
    """The matrix as the page would post it now, with some boxes changed."""
    form = {}
    for name, switches in event_settings.matrix().items():
        if switches.enabled:
            form[f"{name}.enabled"] = "on"
        for channel in switches.channels:
            form[f"{name}.{channel}"] = "on"
    for key, value in overrides.items():
        if value:
            form[key] = "on"
        else:
            form.pop(key, None)
    return form


def test_the_matrix_renders_the_seed_layout_in_both_languages(signed_in):
    zh = signed_in.get("/admin/templates/", headers=ZH).get_data(as_text=True)
    en = signed_in.get("/admin/templates/", headers=EN).get_data(as_text=True)
    for word in ("短信通知", "邮件通知", "站内信通知", "微信通知",
                 "短信模板", "邮件模板"):
        assert word in zh
    assert "SMS notice" in en and "Operation protection code" in en
    row = re.search(r'<tr id="event-register">.*?</tr>', en, re.S).group(0)
    assert row.count('type="checkbox"') == 2 and row.count(">-<") == 3  # SMS only


def test_a_template_edited_in_any_language_is_marked_on_its_channel(signed_in):
    db.session.add(MessageTemplate(purpose="server_opened", channel="insite", locale="en",
                                   subject="Ready", text="Your server is ready."))
    db.session.commit()
    zh = signed_in.get("/admin/templates/", headers=ZH).get_data(as_text=True)
    row = re.search(r'<tr id="event-server_opened">.*?</tr>', zh, re.S).group(0)
    badge = "已修改</span>"
    assert row.count(badge) == 1
    assert row.index("站内信模板") < row.index(badge) < row.index("微信模板")
    other = re.search(r'<tr id="event-server_renewed">.*?</tr>', zh, re.S).group(0)
    assert badge not in other


def test_seed_000_defaults_until_saved(app):
    assert event_settings.get("server_opened").channels == ("insite", "wechat")
    assert event_settings.get("baremetal_autorenew_failed").channels == ("sms", "email", "insite")
    assert event_settings.get("register").channels == ("sms",)


def test_saving_the_matrix_needs_a_code(signed_in):
    response = signed_in.post("/admin/templates/", data=matrix_form(**{"server_opened.sms": 1}))
    assert "/admin/confirm/" in response.headers["Location"]
    assert db.session.get(EventSetting, "server_opened") is None


def test_the_whole_matrix_is_saved_at_once_with_one_audit_entry(confirmed):
    response = confirmed.post("/admin/templates/", data=matrix_form(**{
        "server_opened.sms": 1, "server_opened.wechat": 0, "push_notice.enabled": 0}))
    assert response.status_code == 302
    assert event_settings.get("server_opened").channels == ("sms", "insite")
    assert not event_settings.get("push_notice").enabled
    [entry] = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "templates.matrix")).all()
    assert set(entry.changes) == {"server_opened", "push_notice"}


def test_operation_protection_cannot_be_switched_off(confirmed):
    confirmed.post("/admin/templates/", data=matrix_form(**{"operation_protection.enabled": 0}))
    assert event_settings.get("operation_protection").enabled
    page = confirmed.get("/admin/templates/", headers=EN).get_data(as_text=True)
    row = re.search(r'<tr id="event-operation_protection">.*?</tr>', page, re.S).group(0)
    assert "disabled" in row and "cannot be turned off" in row


def test_operation_protection_keeps_at_least_one_channel(confirmed):
    response = confirmed.post("/admin/templates/", data=matrix_form(**{
        "operation_protection.sms": 0, "operation_protection.email": 0}), headers=EN)
    assert response.status_code == 200 and "Keep at least one channel" in response.get_data(
        as_text=True)
    assert event_settings.get("operation_protection").channels == ("sms", "email")


def test_a_disabled_event_sends_nothing(app):
    member = make_member(openid="o6_bmjrPTlm6_2sgVt7hMZOPfL2M")
    event_settings.save({"server_opened": event_settings.Switches(False, events.ALL_CHANNELS)})
    outcomes = notify("server_opened", member, **SERVER_VARS)
    assert {o.status for o in outcomes} == {"off"}
    assert attempts() == [] and inbox() == []


def test_a_disabled_channel_sends_nothing_on_it(app):
    member = make_member()
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms",))})
    outcomes = {o.channel: o.status for o in notify("server_opened", member, **SERVER_VARS)}
    assert outcomes == {"sms": "sent", "email": "off", "insite": "off", "wechat": "off"}
    assert [a.channel for a in attempts()] == ["sms"]


def test_switches_are_read_from_the_shared_cache_and_reloaded_after_a_save(app):
    from extensions import cache

    assert event_settings.get("server_opened").channels == ("insite", "wechat")
    assert cache.get(event_settings.CACHE_KEY) == {}  # no rows yet, and no query per send
    wanted = dict(event_settings.matrix())
    wanted["server_opened"] = event_settings.Switches(True, ("sms",))
    event_settings.save(wanted)
    assert event_settings.get("server_opened").channels == ("sms",)
    assert cache.get(event_settings.CACHE_KEY)["server_opened"] == (True, ("sms",))
    # A row changed behind Herald's back stays unseen until the cache is dropped: the
    # cache, not the table, is what a send reads.
    db.session.get(EventSetting, "server_opened").email = True
    db.session.commit()
    assert event_settings.get("server_opened").channels == ("sms",)
    cache.delete(event_settings.CACHE_KEY)
    assert event_settings.get("server_opened").channels == ("sms", "email")
