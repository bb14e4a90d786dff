"""Site → Members, Site → In-site messages, the notification log, event API clients."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from core import clock
from extensions import db
from gateways.base import Message
from models import ApiClient, AuditEntry, DeliveryAttempt, InsiteMessage, MemberSession
from services.delivery import messaging
from services.notify import api_clients as event_clients
from services.notify import matrix as event_settings
from services.notify.dispatch import NotifyError
from services.notify.jobs import notify
from tests.notify.conftest import EN, SERVER_VARS, ZH, make_member

PAGES = ["/admin/members/", "/admin/messages/", "/admin/logs/notifications",
         "/admin/api-clients/"]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_renders_in_both_languages(signed_in, url):
    member = make_member()
    notify("server_opened", member, **SERVER_VARS)
    zh = signed_in.get(url, headers=ZH)
    en = signed_in.get(url, headers=EN)
    assert zh.status_code == en.status_code == 200
    assert 'lang="zh-CN"' in zh.get_data(as_text=True) and "全局设置" in zh.get_data(as_text=True)
    assert 'lang="en"' in en.get_data(as_text=True)


def test_member_page_in_both_languages(signed_in):
    member = make_member()
    for headers, word in ((ZH, "联系方式"), (EN, "Contact data")):
        html = signed_in.get(f"/admin/members/{member.id}", headers=headers).get_data(
            as_text=True)
        assert word in html and "+8613800138000" in html


def test_members_search_by_phone_email_or_id(signed_in):
    make_member()
    other = make_member(phone="+8613900139000", email="zhang@example.org")
    for term in ("13900139000", "zhang@", str(other.id)):
        html = signed_in.get("/admin/members/", query_string={"q": term}).get_data(as_text=True)
        assert "zhang@example.org" in html and "member@example.com" not in html, term


def test_a_members_history_and_inbox(signed_in):
    member = make_member(phone="+8613700137000")  # not the signed-in admin's phone
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite",
                                                                         "wechat"))})
    notify("server_opened", member, **SERVER_VARS)
    messaging.send("sms", Message(to="+8613900139000", content="x", purpose="server_opened"))
    html = signed_in.get(f"/admin/members/{member.id}", headers=EN).get_data(as_text=True)
    assert html.count("<code>log</code>") == 1  # its own SMS, not the other number's
    assert "<code>insite</code>" in html and "Skipped" in html and "not_bound" in html
    assert "SMS copy" in html and "1 unread" in html


def test_disabling_a_member_signs_them_out_stops_notices_and_is_audited(signed_in):
    member = make_member()
    db.session.add(MemberSession(member_id=member.id))
    db.session.commit()
    response = signed_in.post(f"/admin/members/{member.id}/status")
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.status == "disabled"
    assert db.session.scalar(db.select(MemberSession.revoked_at)) is not None
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "member.disable"))
    assert entry.changes == {"status": ["active", "disabled"]}
    with pytest.raises(NotifyError):
        notify("server_opened", member, **SERVER_VARS)
    signed_in.post(f"/admin/members/{member.id}/status")
    db.session.refresh(member)
    assert member.status == "active"


def test_the_disable_button_asks_for_confirmation(signed_in):
    member = make_member()
    html = signed_in.get(f"/admin/members/{member.id}", headers=EN).get_data(as_text=True)
    assert 'data-confirm="Disable this member?' in html


def test_in_site_messages_filter_by_member_origin_and_date(signed_in):
    one, two = make_member(), make_member(phone="+8613900139000", email="b@x.org")
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})
    notify("server_opened", one, **SERVER_VARS)
    old = InsiteMessage(member_id=two.id, title="Old notice", body="b", origin_event="x",
                        created_at=clock.now() - timedelta(days=40))
    db.session.add(old)
    db.session.commit()

    def shown(**args):
        html = signed_in.get("/admin/messages/", query_string=args, headers=EN).get_data(
            as_text=True)
        return html.count('<tr>\n      <td>')

    assert shown() == 3
    assert shown(member="13800138000") == 2
    assert shown(member=str(two.id)) == 1
    assert shown(origin="sms") == 1
    assert shown(date_from=(clock.now() - timedelta(days=1)).date().isoformat()) == 2
    assert shown(member="nobody@x.org") == 0


def test_the_notification_log_excludes_code_scenes_and_links_fixes(signed_in):
    member = make_member(phone=None)
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})
    notify("server_opened", member, **SERVER_VARS)
    messaging.send("sms", Message(to="+8613800138000", content="123456", purpose="register"))
    html = signed_in.get("/admin/logs/notifications", headers=ZH).get_data(as_text=True)
    assert "<code class=\"small\">register</code>" not in html and "server_opened" in html
    assert 'href="#fix-no_destination"' in html and 'id="fix-no_destination"' in html
    assert "会员未绑定该渠道" in html
    html = signed_in.get("/admin/logs/notifications", query_string={"event": "server_opened"},
                         headers=ZH).get_data(as_text=True)
    assert "共 2 条" in html


def test_the_notification_log_filters_and_exports_csv(signed_in):
    member = make_member()
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})
    notify("server_opened", member, **SERVER_VARS)
    for args, total in (({"channel": "sms"}, 1), ({"status": "skipped"}, 0),
                        ({"destination": f"member:{member.id}"}, 1), ({"channel": "email"}, 0),
                        ({"destination": "138 0013 8000"}, 1),
                        ({"date_to": "2000-01-01"}, 0)):
        html = signed_in.get("/admin/logs/notifications",
                             query_string={**args, "event": "server_opened"},
                             headers=EN).get_data(as_text=True)
        assert f"Total {total}," in html, args
    csv = signed_in.get("/admin/logs/export/notifications.csv",
                        query_string={"event": "server_opened"})
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 3 and "+8613800138000" in lines[2] + lines[1]
    assert lines[0].lstrip("\ufeff").startswith("id,time_utc")


def test_the_log_pages_ten_rows_with_a_jump(signed_in):
    db.session.add_all([DeliveryAttempt(channel="sms", gateway="log", destination=f"+86{i}",
                                        purpose="server_opened", status="sent")
                        for i in range(25)])
    db.session.commit()
    html = signed_in.get("/admin/logs/notifications", query_string={"event": "server_opened"},
                         headers=ZH).get_data(as_text=True)
    assert "共 25 条" in html and 'name="page"' in html
    assert '<input type="hidden" name="event" value="server_opened">' in html  # the jump keeps it
    assert html.count("<tr>\n      <td>") == 10


def test_event_api_clients_show_keys_once_then_disable_and_delete(confirmed):
    response = confirmed.post("/admin/api-clients/", data={"name": "billing"}, headers=EN)
    html = response.get_data(as_text=True)
    client = db.session.scalar(db.select(ApiClient))
    assert client.kind == "events" and client.name == "billing"
    keys = re.findall(r'user-select-all">([^<]+)<', html)
    assert len(keys) == 2 and keys[0] not in client.api_key_hash
    listing = confirmed.get("/admin/api-clients/").get_data(as_text=True)
    assert client.client_id in listing and keys[0] not in listing and keys[1] not in listing
    confirmed.post(f"/admin/api-clients/{client.id}/active")
    db.session.refresh(client)
    assert not client.active
    confirmed.post(f"/admin/api-clients/{client.id}/delete")
    assert db.session.scalar(db.select(ApiClient)) is None
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"event_client.create", "event_client.disable", "event_client.delete"} <= actions


def test_event_api_client_changes_need_a_code(signed_in):
    response = signed_in.post("/admin/api-clients/", data={"name": "x"})
    assert "/admin/confirm/" in response.headers["Location"]
    assert event_clients.all_clients() == []
