"""/account/phone and /account/email: a code to the current destination, then a code to the
new one, which is bound only when that code comes back; the old one is told afterwards."""

from __future__ import annotations

import pytest

from core import catalog, crypto
from extensions import db
from models import DeliveryAttempt, InsiteMessage, Member, OutboxMessage, VerificationCode
from services.notify import matrix as event_settings
from tests.codes.conftest import EMAIL, PHONE, last_code, other_code, outbox_codes
from tests.notify.conftest import sign_in_member

NEW_PHONE, NEW_NATIONAL = "+8613900139000", "139 0013 9000"
NEW_EMAIL = "new@example.com"
EN = {"Accept-Language": "en"}
JSON = {"Accept": "application/json", **EN}


@pytest.fixture
def account(client):
    member = Member(phone=PHONE, email=EMAIL)
    db.session.add(member)
    db.session.commit()
    sign_in_member(client, member)
    return member


def post_json(client, url: str, data: dict):
    """A send-code button's request; the gateway runs when the answer closes."""
    response = client.post(url, data=data, headers=JSON, buffered=True)
    response.close()
    return response


def confirm_identity(client, kind: str = "phone", via: str = "phone"):
    """Step one: a code to the current phone (or email), typed back."""
    sent = post_json(client, "/codes/send", {"scene": f"change_{kind}", "via": via})
    assert sent.get_json()["ok"]
    current = PHONE if via == "phone" else EMAIL
    response = client.post(f"/account/{kind}", data={"via": via, "code": last_code(current)})
    assert response.status_code == 302 and response.location.endswith(f"/account/{kind}/new")
    return response


def send_new(client, kind: str, destination: str):
    return post_json(client, f"/account/{kind}/new/code", {"destination": destination})


def bind(client, kind: str, destination: str, code: str):
    return client.post(f"/account/{kind}/new", data={f"new_{kind}": destination, "code": code},
                       headers=EN)


def text(response) -> str:
    return response.get_data(as_text=True)


def notices_to(destination: str) -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed", DeliveryAttempt.destination == destination)))


def stored(member: Member) -> tuple:
    db.session.refresh(member)
    return member.phone, member.email


# --- the whole change -----------------------------------------------------------------

def test_a_phone_change_takes_a_code_to_the_old_phone_then_one_to_the_new(client, account):
    confirm_identity(client)
    page = text(client.get("/account/phone/new", headers=EN))
    assert 'formaction="/account/phone/new/code"' in page and 'aria-current="step"' in page
    answer = send_new(client, "phone", NEW_NATIONAL)
    assert answer.get_json()["ok"]
    sent = db.session.scalar(db.select(VerificationCode).where(
        VerificationCode.destination == NEW_PHONE))
    assert sent.scene == "change_phone_new" and sent.binding == f"m:{account.id}"
    response = bind(client, "phone", NEW_NATIONAL, last_code(NEW_PHONE))
    assert response.status_code == 302 and response.location.endswith("/account/")
    assert stored(account) == (NEW_PHONE, EMAIL)
    # The old phone is told, in words naming what changed; the member's own notice too.
    [old_notice] = notices_to(PHONE)
    assert old_notice.channel == "sms" and old_notice.status == "sent"
    [outbox] = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.destination == PHONE, OutboxMessage.purpose == "account_changed"))
    content = crypto.decrypt(outbox.content)  # in the site's language, zh_CN by default
    assert "绑定手机" in content and "127.0.0.1" in content
    assert notices_to(NEW_PHONE) and db.session.scalar(db.select(InsiteMessage).where(
        InsiteMessage.member_id == account.id)) is not None


def test_an_email_change_takes_a_code_to_the_old_then_to_the_new_email(client, account):
    confirm_identity(client, "email", via="email")
    assert send_new(client, "email", "New@Example.com").get_json()["ok"]
    response = bind(client, "email", "New@Example.com", last_code(NEW_EMAIL))
    assert response.status_code == 302
    assert stored(account) == (PHONE, NEW_EMAIL)
    [old_notice] = notices_to(EMAIL)
    assert old_notice.channel == "email"


def test_step_one_of_an_email_change_may_use_the_phone(client, account):
    confirm_identity(client, "email", via="phone")
    send_new(client, "email", NEW_EMAIL)
    assert bind(client, "email", NEW_EMAIL, last_code(NEW_EMAIL)).status_code == 302
    assert stored(account) == (PHONE, NEW_EMAIL)


def test_binding_a_first_email_tells_no_old_one(client, account):
    account.email = None
    db.session.commit()
    confirm_identity(client, "email", via="phone")
    send_new(client, "email", NEW_EMAIL)
    assert bind(client, "email", NEW_EMAIL, last_code(NEW_EMAIL)).status_code == 302
    assert stored(account) == (PHONE, NEW_EMAIL)
    assert db.session.scalar(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed", DeliveryAttempt.channel == "email",
        DeliveryAttempt.destination != NEW_EMAIL)) is None


def test_the_old_phone_is_not_told_when_the_matrix_switches_its_sms_off(client, account):
    event_settings.save({"account_changed": event_settings.Switches(True, ("email", "insite"))})
    confirm_identity(client)
    send_new(client, "phone", NEW_NATIONAL)
    assert bind(client, "phone", NEW_NATIONAL, last_code(NEW_PHONE)).status_code == 302
    assert notices_to(PHONE) == [] and notices_to(EMAIL)


# --- step two needs step one ----------------------------------------------------------

@pytest.mark.parametrize("kind, destination", [("phone", NEW_NATIONAL), ("email", NEW_EMAIL)])
def test_step_two_cannot_be_reached_without_step_one(client, account, kind, destination):
    page = client.get(f"/account/{kind}/new", headers=EN)
    assert page.status_code == 302 and page.location.endswith(f"/account/{kind}")
    answer = send_new(client, kind, destination)
    assert answer.status_code == 403 and answer.get_json()["code"] == "identity_unconfirmed"
    assert db.session.scalar(db.select(VerificationCode)) is None  # nothing was sent
    assert bind(client, kind, destination, "123456").status_code == 302
    assert stored(account) == (PHONE, EMAIL)
    flashed = text(client.get(f"/account/{kind}", headers=EN))
    assert catalog.message("identity_unconfirmed", "en") in flashed


def test_a_wrong_step_one_code_does_not_open_step_two(client, account):
    post_json(client, "/codes/send", {"scene": "change_phone", "via": "phone"})
    response = client.post("/account/phone", data={"via": "phone",
                                                   "code": other_code(last_code(PHONE))},
                           headers=EN)
    assert response.status_code == 200
    assert catalog.message("code_invalid", "en") in text(response)
    assert client.get("/account/phone/new").status_code == 302


def test_step_one_of_the_phone_does_not_open_the_email_change(client, account):
    confirm_identity(client, "phone")
    assert client.get("/account/email/new").status_code == 302
    assert send_new(client, "email", NEW_EMAIL).status_code == 403


def test_step_one_lapses_after_its_window(client, account, frozen):
    confirm_identity(client)
    frozen.move(minutes=16)
    assert client.get("/account/phone/new").status_code == 302
    assert send_new(client, "phone", NEW_NATIONAL).status_code == 403


def test_step_one_is_used_up_by_the_change(client, account):
    confirm_identity(client)
    send_new(client, "phone", NEW_NATIONAL)
    bind(client, "phone", NEW_NATIONAL, last_code(NEW_PHONE))
    assert client.get("/account/phone/new").status_code == 302


# --- only the new destination's code binds it -----------------------------------------

def test_the_step_one_code_cannot_bind_the_new_phone(client, account):
    post_json(client, "/codes/send", {"scene": "change_phone", "via": "phone"})
    step_one = last_code(PHONE)
    client.post("/account/phone", data={"via": "phone", "code": step_one})
    # Another code to the old phone, in the old scene: still not the new phone's code.
    html = text(bind(client, "phone", NEW_NATIONAL, step_one))
    assert catalog.message("code_invalid", "en") in html
    assert stored(account) == (PHONE, EMAIL)


def test_a_code_sent_to_one_new_phone_cannot_bind_another(client, account):
    confirm_identity(client)
    send_new(client, "phone", NEW_NATIONAL)
    html = text(bind(client, "phone", "13700137000", last_code(NEW_PHONE)))
    assert catalog.message("code_invalid", "en") in html
    assert stored(account) == (PHONE, EMAIL)


def test_a_wrong_code_for_the_new_phone_changes_nothing(client, account):
    confirm_identity(client)
    send_new(client, "phone", NEW_NATIONAL)
    html = text(bind(client, "phone", NEW_NATIONAL, other_code(last_code(NEW_PHONE))))
    assert catalog.message("code_invalid", "en") in html
    assert stored(account) == (PHONE, EMAIL)
    assert db.session.scalar(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed")) is None


def test_an_expired_code_for_the_new_phone_changes_nothing(client, account, frozen):
    confirm_identity(client)
    send_new(client, "phone", NEW_NATIONAL)
    frozen.move(minutes=11)  # past the 10-minute code, within step one's window
    html = text(bind(client, "phone", NEW_NATIONAL, last_code(NEW_PHONE)))
    assert catalog.message("code_invalid", "en") in html
    assert stored(account) == (PHONE, EMAIL)


# --- the new destination is checked ---------------------------------------------------

@pytest.mark.parametrize("kind, bad, code", [
    ("phone", "12345", "invalid_phone"),
    ("phone", "+1 202 555 0143", "invalid_phone"),  # outside the allowed countries
    ("email", "not-an-email", "invalid_email"),
    ("email", "someone@", "invalid_email"),
])
def test_a_bad_new_destination_is_refused_with_its_code(client, account, kind, bad, code):
    confirm_identity(client, kind)
    answer = send_new(client, kind, bad)
    assert answer.status_code == 400 and answer.get_json()["code"] == code
    assert outbox_codes(bad) == []
    html = text(bind(client, kind, bad, "123456"))
    assert catalog.message(code, "en") in html and "is-invalid" in html
    assert stored(account) == (PHONE, EMAIL)


@pytest.mark.parametrize("kind, same", [("phone", PHONE), ("email", EMAIL)])
def test_the_current_destination_is_not_a_new_one(client, account, kind, same):
    confirm_identity(client, kind)
    answer = send_new(client, kind, same)
    assert answer.status_code == 400 and answer.get_json()["code"] == "destination_unchanged"
    assert catalog.message("destination_unchanged", "en") in text(bind(client, kind, same,
                                                                       "123456"))


@pytest.mark.parametrize("kind, taken, typed", [
    ("phone", NEW_PHONE, NEW_NATIONAL), ("email", "taken@example.com", "Taken@Example.com")])
def test_a_destination_bound_to_another_member_is_refused_after_its_code(client, account, kind,
                                                                         taken, typed):
    db.session.add(Member(**{kind: taken}))
    db.session.commit()
    confirm_identity(client, kind)
    # The send answers as for anyone: only who holds it learns, with its code, that it is taken.
    assert send_new(client, kind, typed).get_json()["ok"]
    response = bind(client, kind, typed, last_code(taken))
    assert response.status_code == 200
    assert catalog.message("destination_taken", "en") in text(response)
    assert stored(account) == (PHONE, EMAIL)
    assert db.session.scalar(db.select(DeliveryAttempt).where(
        DeliveryAttempt.purpose == "account_changed")) is None


def test_the_new_code_endpoints_need_a_signed_in_member(client):
    for kind in ("phone", "email"):
        assert client.get(f"/account/{kind}/new").status_code == 302
        answer = send_new(client, kind, NEW_NATIONAL)
        assert answer.status_code == 401


def test_without_javascript_the_send_button_comes_back_to_step_two(client, account):
    confirm_identity(client)
    response = client.post("/account/phone/new/code", data={"new_phone": NEW_NATIONAL,
                                                            "code": ""}, headers=EN)
    assert response.status_code == 302 and "/account/phone/new?destination=" in response.location
    page = text(client.get(response.location, headers=EN))
    assert NEW_NATIONAL in page and "The code was sent" in page


@pytest.mark.parametrize("url", ["/account/phone/new", "/account/email/new"])
def test_step_two_is_limited_like_every_code_check(client, account, app, monkeypatch, url):
    monkeypatch.setitem(app.config, "HERALD_CODE_CHECK_RATE", "2 per minute")
    for _ in range(2):
        client.post(url, data={"code": "000000"})
    assert client.post(url, data={"code": "000000"}).status_code == 429


def test_a_member_with_nothing_bound_starts_at_step_two(client):
    member = Member()
    db.session.add(member)
    db.session.commit()
    sign_in_member(client, member)
    response = client.get("/account/phone")
    assert response.status_code == 302 and response.location.endswith("/account/phone/new")
    assert send_new(client, "phone", NEW_NATIONAL).get_json()["ok"]
    assert bind(client, "phone", NEW_NATIONAL, last_code(NEW_PHONE)).status_code == 302
    assert stored(member) == (NEW_PHONE, None)
