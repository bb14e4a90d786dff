"""/account/password: the current password, then a new one under the password rules; other
signed-in browsers are signed out and the member gets a notice."""

from __future__ import annotations

import pytest

from core import catalog, settings
from core.passwords import hash_password, verify_password
from extensions import db
from models import DeliveryAttempt, Member, MemberSession
from services.members import passwords as member_passwords
from tests.codes.conftest import EMAIL, PASSWORD, PHONE
from tests.notify.conftest import sign_in_member

NEW_PASSWORD = "Quiet-Meadow-77"
EN = {"Accept-Language": "en"}


@pytest.fixture
def account(client):
    member = Member(phone=PHONE, email=EMAIL, password_hash=hash_password(PASSWORD))
    db.session.add(member)
    db.session.commit()
    sign_in_member(client, member)
    return member


def change(client, current: str = PASSWORD, new: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post("/account/password", data={
        "current_password": current, "password": new,
        "confirm": new if confirm is None else confirm}, headers=EN)


def password_is(member: Member, password: str) -> bool:
    db.session.refresh(member)
    return verify_password(member.password_hash, password)


def password_notices() -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed")))


def test_the_account_page_offers_the_password_change(client, account):
    html = client.get("/account/", headers=EN).get_data(as_text=True)
    assert 'href="/account/password"' in html


def test_the_password_changes_with_the_current_one(client, account):
    response = change(client)
    assert response.status_code == 302 and response.location.endswith("/account/")
    assert password_is(account, NEW_PASSWORD)
    assert password_notices()  # the member is told
    # The new password signs in; the old one no longer does.
    client.post("/logout")
    assert client.post("/login", data={"account": PHONE, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"account": PHONE,
                                       "password": NEW_PASSWORD}).status_code == 302


def test_a_wrong_current_password_changes_nothing(client, account):
    response = change(client, current="Not-My-Password-1")
    assert response.status_code == 200
    assert catalog.message("current_password_wrong", "en") in response.get_data(as_text=True)
    assert password_is(account, PASSWORD)
    assert password_notices() == []


@pytest.mark.parametrize("new, confirm, problem", [
    ("Ab-1", None, lambda: member_passwords.hint()),  # shorter than the minimum
    ("password123", None, lambda: "This password is too common; choose another."),
    (NEW_PASSWORD, "Quiet-Meadow-78", lambda: "The two passwords differ"),
    (PASSWORD, None, lambda: catalog.message("password_unchanged", "en")),
])
def test_the_new_password_follows_the_password_rules(client, app, account, new, confirm,
                                                     problem):
    response = change(client, new=new, confirm=confirm)
    assert response.status_code == 200
    with app.test_request_context(headers=EN):
        expected = problem()
    assert expected in response.get_data(as_text=True)
    assert password_is(account, PASSWORD)


def test_the_bounds_come_from_member_settings(client, account):
    settings.update({"member.password_min": 16})
    assert change(client).status_code == 200  # 15 characters
    assert password_is(account, PASSWORD)


def test_other_sessions_are_signed_out_and_this_one_stays(client, app, account):
    other = app.test_client()
    sign_in_member(other, account)
    assert other.get("/account/").status_code == 200
    assert change(client).status_code == 302
    assert other.get("/account/").status_code == 302  # sent to the sign-in page
    assert client.get("/account/").status_code == 200
    live = db.session.scalars(db.select(MemberSession).where(
        MemberSession.member_id == account.id, MemberSession.revoked_at.is_(None))).all()
    assert len(live) == 1


def test_the_password_page_needs_a_signed_in_member(client):
    assert client.get("/account/password").status_code == 302


def test_password_changes_are_limited_like_every_check(client, app, account, monkeypatch):
    monkeypatch.setitem(app.config, "HERALD_CODE_CHECK_RATE", "2 per minute")
    for _ in range(2):
        change(client, current="Wrong-Guess-123")
    assert change(client).status_code == 429
    assert password_is(account, PASSWORD)
