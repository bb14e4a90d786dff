"""The first admin is not stuck: an admin with no phone and no email (what
``flask --app app admin ensure`` makes) binds one with a code sent to it, from the browser,
and then finishes protected actions like any admin."""

from __future__ import annotations

import re

import pytest

from core import settings
from core.admins import make_admin
from extensions import db
from models import Admin, AuditEntry, OutboxMessage, VerificationCode
from tests.conftest import ADMIN_PASSWORD
from tests.test_protection import last_code, member_form, park_member_change

EN = {"Accept-Language": "en"}
NEW_PHONE = "+8613800138099"


@pytest.fixture
def bare(app):
    """An admin with no phone and no email."""
    return make_admin("admin", ADMIN_PASSWORD)


@pytest.fixture
def signed_in(client, bare):
    response = client.post("/admin/login", data={"username": "admin",
                                                 "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    return response


def secure_send(client, destination: str, next_url: str = "/admin/"):
    return client.post("/admin/secure/send", query_string={"next": next_url},
                       data={"destination": destination}, headers=EN)


def secure_confirm(client, code: str, next_url: str = "/admin/"):
    return client.post("/admin/secure", query_string={"next": next_url},
                       data={"code": code, "confirm": "1"}, headers=EN)


def test_sign_in_leads_an_admin_without_phone_or_email_to_the_secure_step(signed_in, client):
    assert signed_in.headers["Location"] == "/admin/secure?next=/admin/"
    page = client.get("/admin/secure?next=/admin/", headers=EN).get_data(as_text=True)
    assert "no verification code can reach you" in page and 'name="destination"' in page


def test_an_admin_with_a_phone_signs_in_straight_to_the_dashboard(client, auth):
    assert auth.login().headers["Location"] == "/admin/"
    # ...and has no secure step to take: contact changes go through My profile.
    assert client.get("/admin/secure").headers["Location"] == "/admin/"
    assert secure_send(client, "13800138098").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) == 0


@pytest.mark.parametrize(("typed", "column", "stored"), [
    ("138 0013 8099", "phone", NEW_PHONE),
    ("First.Admin@Example.COM", "email", "first.admin@example.com"),
])
def test_a_code_sent_to_the_new_destination_binds_it(signed_in, client, bare, typed, column,
                                                     stored):
    response = secure_send(client, typed)
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/admin/secure")
    outbox = db.session.scalar(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert (outbox.destination, outbox.purpose) == (stored, "operation_protection")
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    # The quick start's log gateway: the page says the code is in the Outbox.
    assert "through the log gateway" in page and "System → Outbox" in page
    assert 'href="/admin/outbox/"' in page

    wrong = "000000" if last_code() != "000000" else "111111"
    refused = secure_confirm(client, wrong)
    assert refused.status_code == 200 and "code_invalid" in refused.get_data(as_text=True)
    assert getattr(db.session.get(Admin, bare.id), column) == ""

    bound = secure_confirm(client, last_code())
    assert bound.status_code == 302 and bound.headers["Location"] == "/admin/"
    assert getattr(db.session.get(Admin, bare.id), column) == stored
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "admin.secure"))
    assert entry.target == "admin" and entry.changes == {column: ["", stored]}
    assert client.get("/admin/secure").status_code == 302  # done: the step is closed


@pytest.mark.parametrize(("typed", "code"), [("12", "invalid_phone"),
                                             ("not@an@email", "invalid_email"),
                                             ("13800138000\r\nX-Forged: 1", "invalid_phone"),
                                             ("9" * 300, ""),
                                             ("", "")])
def test_a_bad_destination_is_refused_with_its_catalog_code(signed_in, client, typed, code):
    response = secure_send(client, typed)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and (not code or f"[{code}]" in html)
    assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode)) == 0


def test_the_code_binds_only_the_destination_it_was_sent_to(signed_in, client, bare):
    secure_send(client, "13800138097")
    first = last_code()
    secure_send(client, NEW_PHONE)  # changed their mind: the page now waits for this one
    second = last_code()
    if first != second:  # one chance in a million that both codes are the same
        refused = secure_confirm(client, first)
        assert refused.status_code == 200 and "code_invalid" in refused.get_data(as_text=True)
        assert db.session.get(Admin, bare.id).phone == ""
    secure_confirm(client, second)
    assert db.session.get(Admin, bare.id).phone == NEW_PHONE


def test_the_step_keeps_where_the_admin_was_going(client, bare):
    login = client.post("/admin/login", query_string={"next": "/admin/logs/codes"},
                        data={"username": "admin", "password": ADMIN_PASSWORD})
    assert login.headers["Location"] == "/admin/secure?next=/admin/logs/codes"
    page = client.get(login.headers["Location"], headers=EN).get_data(as_text=True)
    assert re.search(r'href="/admin/logs/codes"[^>]*>Not now<', page)
    # Off-site targets are refused as everywhere else.
    page = client.get("/admin/secure?next=https://evil.example/", headers=EN).get_data(
        as_text=True)
    assert re.search(r'href="/admin/"[^>]*>Not now<', page)
    assert 'action="/admin/secure/send?next=/admin/"' in page.replace("%2F", "/")


def test_the_first_admin_finishes_a_protected_action_from_the_browser(client, runner, app):
    """From `admin ensure` to a saved protected change, with no CLI step in between."""
    printed = runner.invoke(args=["admin", "ensure"]).output
    password = re.search(r"Password: (\S+)", printed).group(1)
    login = client.post("/admin/login", data={"username": "admin", "password": password})
    assert "/admin/secure" in login.headers["Location"]

    # "Not now": the protected change parks, and its page offers the secure step.
    confirm_url = park_member_change(client, length="7")
    page = client.get(confirm_url, headers=EN).get_data(as_text=True)
    assert "protection_no_destination" in page
    assert f"/admin/secure?next={confirm_url.split('localhost')[-1]}" in page.replace("%2F", "/")
    back_to = confirm_url.split("localhost")[-1]

    secure_send(client, NEW_PHONE, next_url=back_to)
    bound = secure_confirm(client, last_code(), next_url=back_to)
    assert bound.headers["Location"] == back_to  # back to the parked action

    # The code just entered opened the protection window: the action runs on "Continue",
    # with no second code to the same phone.
    page = client.get(back_to, headers=EN).get_data(as_text=True)
    assert 'name="proceed"' in page and "protection_no_destination" not in page
    done = client.post(back_to, data={"proceed": "1"})
    assert done.status_code == 302
    settings.invalidate()
    assert settings.get("member.code_length") == 7
    # ...and the next protected change needs no code within the window either.
    response = client.post("/admin/settings/member",
                           data=member_form(client, **{"member.code_length": "5"}))
    assert "/admin/confirm/" not in response.headers["Location"]


def test_continue_needs_an_open_window(client, auth):
    """Without a confirmation in this session, "Continue" runs nothing."""
    auth.login()
    confirm_url = park_member_change(client, length="7")
    page = client.get(confirm_url, headers=EN).get_data(as_text=True)
    assert 'name="proceed"' not in page
    assert client.post(confirm_url, data={"proceed": "1"}).status_code == 200
    settings.invalidate()
    assert settings.get("member.code_length") == 6
