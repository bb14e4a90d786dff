"""Member sessions (server-side rows, apart from the admins') and the member's language."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template_string

from core import member_auth
from extensions import db
from models import MemberSession
from tests.codes.conftest import NATIONAL, PASSWORD


def login(client):
    return client.post("/login", data={"account": NATIONAL, "password": PASSWORD})


def cookie_key(client) -> str | None:
    with client.session_transaction() as session:
        return session.get(member_auth.SESSION_KEY)


def test_login_rotates_the_session_row(client, member):
    login(client)
    first = cookie_key(client)
    login(client)  # signed in already: the page sends the member on
    client.post("/logout")
    login(client)
    second = cookie_key(client)
    assert first and second and first != second
    rows = {row.key: row for row in db.session.scalars(db.select(MemberSession))}
    assert rows[first].revoked_at is not None and rows[second].revoked_at is None


def test_the_cookie_holds_only_the_random_key(client, member):
    login(client)
    with client.session_transaction() as session:
        assert set(session) <= {"csrf_token", member_auth.SESSION_KEY, "_fresh"}
        key = session[member_auth.SESSION_KEY]
    assert len(key) >= 40
    assert db.session.scalar(db.select(MemberSession.member_id).where(
        MemberSession.key == key)) == member.id


def test_an_idle_session_ends(client, member, frozen):
    login(client)
    row = db.session.scalar(db.select(MemberSession))
    frozen.move(seconds=(member_auth.IDLE_TIMEOUT + timedelta(minutes=1)).total_seconds())
    assert client.get("/account/").status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None


def test_a_disabled_member_is_signed_out(client, member):
    login(client)
    member.status = "disabled"
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_member_required_redirects_pages_and_refuses_json(client):
    page = client.get("/account/")
    assert page.status_code == 302 and "/login?next=/account/" in page.location
    assert client.get("/account/", headers={"Accept": "application/json"}).status_code == 401


def test_member_and_admin_sessions_are_separate(client, member, auth):
    auth.login()
    assert client.get("/account/").status_code == 302  # an admin is not a member
    client.post("/admin/logout")
    login(client)
    assert client.get("/admin/").status_code == 302  # a member is not an admin


def test_the_layout_header(app, client, member):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/login"' in html and "/logout" not in html
    login(client)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/account/"' in html and 'action="/logout"' in html
    with app.test_request_context("/"):
        extra = render_template_string(
            "{% extends 'member/layout.html' %}{% block header_extra %}<b id=unread>3</b>"
            "{% endblock %}{% block content %}x{% endblock %}")
    assert "<b id=unread>3</b>" in extra and 'name="viewport"' in extra


def test_the_members_language_wins_over_the_browser(client, member):
    member.language = "en"
    db.session.commit()
    login(client)
    html = client.get("/account/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "My account" in html


def test_the_language_switch_is_stored_on_the_member(client, member):
    login(client)
    client.post("/language", data={"language": "en", "next": "/account/"})
    db.session.refresh(member)
    assert member.language == "en"


def test_visitors_get_their_choice_then_the_browser_then_the_site_default(client):
    assert "用户注册" in client.get("/register").get_data(as_text=True)  # site default zh_CN
    html = client.get("/register", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "Member registration" in html
    client.post("/language", data={"language": "zh_CN", "next": "/register"})
    html = client.get("/register", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "用户注册" in html
