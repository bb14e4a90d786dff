"""Per-account throttling of member password sign-in: captcha after N failures, then a
doubling wait, a notice to the owner, and sign-in by SMS code left open."""

from __future__ import annotations

import altcha
import pytest

from core import settings
from core.passwords import hash_password
from extensions import db
from models import DeliveryAttempt, LoginEvent, Member, MemberSession
from services.codes import captcha
from services.sign_in import member_throttle
from tests.codes.conftest import last_code, send

PHONE, NATIONAL, EMAIL = "+8613800138001", "13800138001", "owner@example.com"
OTHER_PHONE = "+8613800138002"
PASSWORD = "Blue-Harbour-42"
N = 3  # member.signin_captcha_after in these tests


@pytest.fixture(autouse=True)
def throttle(app, monkeypatch):
    # One guess in 16 instead of 4,096: the same protocol, solved in milliseconds.
    monkeypatch.setattr(captcha, "KEY_PREFIX", "0")
    settings.update({"member.signin_captcha_after": N})


@pytest.fixture
def owner(app):
    for phone, email in ((PHONE, EMAIL), (OTHER_PHONE, "other@example.com")):
        db.session.add(Member(phone=phone, email=email, password_hash=hash_password(PASSWORD)))
    db.session.commit()
    return db.session.scalar(db.select(Member).where(Member.phone == PHONE))


def solved(_client) -> str:
    """What the widget posts, for a challenge as /codes/challenge makes it (called directly:
    that endpoint has its own per-IP limit)."""
    challenge = altcha.Challenge.from_dict(captcha.challenge())
    return altcha.Payload(challenge, altcha.solve_challenge(challenge, timeout=30)).to_base64()


def login(client, account=NATIONAL, password="wrong-password-1", ip="198.51.100.1", **extra):
    return client.post("/login", data={"account": account, "password": password, **extra},
                       environ_base={"REMOTE_ADDR": ip}, headers={"Accept-Language": "en"})


def text(response) -> str:
    return response.get_data(as_text=True)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.location.endswith("/account/")


def fail(client, times: int, account=NATIONAL) -> None:
    """Wrong passwords, each from another IP: the count is per account, not per address."""
    for i in range(times):
        response = login(client, account, ip=f"203.0.113.{i + 1}")
        assert response.status_code == 200 and "Wrong phone / email or password" in text(response)


def notices() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed"))


def test_captcha_after_n_failures_for_that_account_only(client, owner, frozen):
    fail(client, N - 1)
    assert "altcha-widget" not in text(login(client, "13800138002"))  # another account
    assert "altcha-widget" in text(login(client, ip="203.0.113.50"))  # the Nth failure
    refused = login(client, password=PASSWORD)  # right password, no captcha
    assert not signed_in(refused) and "solve the captcha" in text(refused)
    assert "altcha-widget" in text(refused) and "vendor/altcha/altcha.min.js" in text(refused)
    # The same account typed another way (email) is the same account.
    assert not signed_in(login(client, EMAIL, PASSWORD))
    # Another account from the same IP signs in without a captcha.
    assert signed_in(login(client, "13800138002", PASSWORD))
    client.post("/logout")
    assert signed_in(login(client, password=PASSWORD, altcha=solved(client)))


def test_refused_tries_are_logged_but_not_counted(client, owner, frozen):
    fail(client, N)
    for _ in range(3):
        login(client)  # no captcha: refused before the password is looked at
    reasons = db.session.scalars(db.select(LoginEvent.reason).order_by(LoginEvent.id)).all()
    assert reasons[-3:] == ["member_signin_captcha"] * 3
    assert member_throttle._failures(member_throttle.account_of(PHONE))[0] == N


def test_unknown_account_is_throttled_alike(client, owner, frozen):
    fail(client, N, account="13900000000")
    assert "solve the captcha" in text(login(client, "13900000000"))
    assert notices() == 0


def test_the_wait_doubles_exactly_and_is_capped(client, owner, frozen):
    assert [member_throttle.delay(f) for f in range(N + 12)] == (
        [0] * (N + 1) + [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900])
    fail(client, N)
    for wait in (2, 4, 8):  # 2 ** k after the (N + k)th failure
        failed = login(client, altcha=solved(client))
        assert "Wrong phone / email or password" in text(failed)
        assert f"Try again in {wait} seconds" in text(login(client, password=PASSWORD))
        frozen.move(seconds=wait - 1)
        early = login(client, password=PASSWORD, altcha=solved(client))
        assert not signed_in(early)
        assert "Try again in 1 second," in text(early) and "wait before trying" in text(early)
        frozen.move(seconds=1)
    assert signed_in(login(client, password=PASSWORD, altcha=solved(client)))


def test_sms_code_sign_in_works_while_throttled(client, owner, frozen):
    fail(client, N)
    for wait in (0, 2, 4):
        frozen.move(seconds=wait)
        login(client, altcha=solved(client))
    assert "Try again in" in text(login(client, password=PASSWORD, altcha=solved(client)))
    assert send(client, "login", NATIONAL).get_json()["ok"]
    response = client.post("/login/code", data={"phone": NATIONAL, "code": last_code()})
    assert signed_in(response)
    assert db.session.scalar(db.select(MemberSession.member_id)) == owner.id


def test_the_owner_is_notified_once_an_hour(client, owner, frozen):
    fail(client, N - 1)
    assert notices() == 0
    fail(client, 1)
    first = notices()
    assert first > 0
    for _ in range(3):
        frozen.move(minutes=15)  # past any wait
        login(client, altcha=solved(client))
    assert notices() == first
    frozen.move(minutes=16)
    login(client, altcha=solved(client))
    assert notices() == 2 * first


def test_success_resets_the_count(client, owner, frozen):
    fail(client, N - 1)
    assert signed_in(login(client, password=PASSWORD))
    client.post("/logout")
    fail(client, N - 2)
    assert "altcha-widget" not in text(login(client, ip="203.0.113.99"))  # N-1 since success
    assert "altcha-widget" in text(login(client, ip="203.0.113.99"))  # Nth since success


def test_failures_older_than_a_day_are_forgotten(client, owner, frozen):
    fail(client, N)
    frozen.move(days=1, seconds=1)
    assert signed_in(login(client, password=PASSWORD))
