"""core.routing: the one ``next`` check and the one JSON-or-page rule, for admins and members."""

from __future__ import annotations

import pytest

from core.passwords import hash_password
from core.routing import safe_next, wants_json
from extensions import db
from models import Member
from tests.conftest import ADMIN_PASSWORD

OFF_SITE = ["//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
            "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "evil.example/",
            "http:/evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_every_way_off_the_site(app, target):
    with app.test_request_context("/"):
        assert safe_next(target, "admin_home.index") == "/admin/"
        assert safe_next(target, "member_account.index") == "/account/"


def test_safe_next_keeps_a_path_and_its_query(app):
    with app.test_request_context("/"):
        assert safe_next("/admin/logs/codes?page=2", "admin_home.index") == \
            "/admin/logs/codes?page=2"
        assert safe_next(None, "member_account.index") == "/account/"


def test_admin_and_member_sign_in_refuse_the_same_targets(client, auth):
    member = Member(phone="+8613800138061", password_hash=hash_password("Blue-Harbour-42"))
    db.session.add(member)
    db.session.commit()
    for target in OFF_SITE:
        client.post("/admin/logout")
        admin = client.post("/admin/login", query_string={"next": target}, data={
            "username": auth.admin.username, "password": ADMIN_PASSWORD})
        assert admin.headers["Location"].endswith("/admin/"), target
        client.post("/logout")
        signed_in = client.post("/login", query_string={"next": target}, data={
            "account": "13800138061", "password": "Blue-Harbour-42"})
        assert signed_in.headers["Location"].endswith("/account/"), target


@pytest.mark.parametrize(("path", "headers", "json"), [
    ("/api/sms/send", {}, True),  # machine APIs always answer JSON
    ("/codes/send", {"Accept": "application/json"}, True),
    ("/codes/send", {"X-Requested-With": "fetch"}, True),  # the pages' own fetch calls
    ("/account/", {"Content-Type": "application/json"}, True),
    ("/account/", {"Accept": "text/html;q=0.5, application/json"}, True),
    ("/account/", {}, False),  # a bare client gets a page
    ("/account/", {"Accept": "*/*"}, False),
    ("/account/", {"Accept": "application/json, text/html"}, False),  # a tie goes to the page
    ("/admin/", {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}, False),
])
def test_one_rule_decides_json_or_a_page(app, path, headers, json):
    with app.test_request_context(path, headers=headers):
        assert wants_json() is json


@pytest.mark.parametrize("headers", [{"Accept": "application/json"},
                                     {"X-Requested-With": "fetch"}])
def test_admin_and_member_pages_refuse_json_callers_alike(client, headers):
    for page in ("/admin/", "/account/"):
        answer = client.get(page, headers=headers)
        assert answer.status_code == 401 and answer.get_json()["code"] == "login_required", page
    for page, login in (("/admin/", "/admin/login?next="), ("/account/", "/login?next=")):
        assert login in client.get(page).headers["Location"]
