"""/messages: the member's inbox, the unread count in the header, read / all read / delete."""

from __future__ import annotations

import re

from extensions import db
from models import InsiteMessage
from services.notify import matrix as event_settings
from services.notify.jobs import notify
from tests.notify.conftest import EN, SERVER_VARS, ZH, inbox, make_member, sign_in_member


def message(member, title="Hello", **extra) -> InsiteMessage:
    row = InsiteMessage(member_id=member.id, title=title, body=f"{title} body",
                        origin_event="push_notice", **extra)
    db.session.add(row)
    db.session.commit()
    return row


def unread_badge(html: str) -> str | None:
    match = re.search(r'class="badge[^"]*unread-count">(\d+\+?)<', html)
    return match.group(1) if match else None


def test_the_inbox_needs_a_signed_in_member(client):
    response = client.get("/messages/")
    assert response.status_code in (302, 401)


def test_the_inbox_lists_messages_with_the_unread_count_in_the_header(client):
    member = make_member()
    message(member, "First")
    message(member, "Second")
    message(make_member(phone="+8613900139000", email="other@x.org"), "Not mine")
    sign_in_member(client, member)
    html = client.get("/messages/", headers=EN).get_data(as_text=True)
    assert "First" in html and "Second" in html and "Not mine" not in html
    assert unread_badge(html) == "2"
    # the header badge is on the member's other pages too
    assert unread_badge(client.get("/account/", headers=EN).get_data(as_text=True)) == "2"


def test_reading_a_message_marks_it_read(client):
    member = make_member()
    first, _second = message(member, "First"), message(member, "Second")
    sign_in_member(client, member)
    page = client.get(f"/messages/{first.id}", headers=EN).get_data(as_text=True)
    assert "First body" in page
    assert db.session.get(InsiteMessage, first.id).read_at is not None
    assert unread_badge(client.get("/messages/").get_data(as_text=True)) == "1"


def test_mark_all_read(client):
    member = make_member()
    message(member, "A"), message(member, "B")
    sign_in_member(client, member)
    assert client.post("/messages/read-all").status_code == 302
    assert all(m.read_at is not None for m in inbox(member.id))
    assert unread_badge(client.get("/messages/").get_data(as_text=True)) is None


def test_delete_hides_it_from_the_member_only(client, auth):
    member = make_member()
    row = message(member, "Proof of an SMS")
    sign_in_member(client, member)
    assert client.post(f"/messages/{row.id}/delete").status_code == 302
    assert "Proof of an SMS" not in client.get("/messages/").get_data(as_text=True)
    assert client.get(f"/messages/{row.id}").status_code == 404
    assert db.session.get(InsiteMessage, row.id).deleted  # kept for the admins


def test_another_members_message_cannot_be_read_or_deleted(client):
    mine, theirs = make_member(), make_member(phone="+8613900139000", email="o@x.org")
    row = message(theirs, "Private")
    sign_in_member(client, mine)
    assert client.get(f"/messages/{row.id}").status_code == 404
    assert client.post(f"/messages/{row.id}/delete").status_code == 404
    assert not db.session.get(InsiteMessage, row.id).deleted


def test_an_sms_copy_is_not_shown_twice(client):
    member = make_member()
    event_settings.save({"server_opened": event_settings.Switches(True, ("sms", "insite"))})
    notify("server_opened", member, **SERVER_VARS)
    assert len(inbox(member.id)) == 2  # the notice and the SMS copy
    sign_in_member(client, member)
    html = client.get("/messages/", headers=ZH).get_data(as_text=True)
    assert html.count("服务器开通通知") == 1 and unread_badge(html) == "1"


def test_the_inbox_in_both_languages(client):
    member = make_member()
    message(member)
    sign_in_member(client, member)
    zh = client.get("/messages/", headers=ZH).get_data(as_text=True)
    en = client.get("/messages/", headers=EN).get_data(as_text=True)
    assert "全部标为已读" in zh and 'lang="zh-CN"' in zh
    assert "Mark all as read" in en and 'lang="en"' in en
