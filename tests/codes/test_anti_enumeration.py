"""No page tells whether a phone or email has an account: same status, same body."""

from __future__ import annotations

import pytest

from extensions import db
from models import OutboxMessage
from models.code import CODE_SUPPRESSED, VerificationCode
from tests.codes.conftest import EMAIL, NATIONAL, send

UNKNOWN_PHONE = "13900139000"
UNKNOWN_EMAIL = "nobody@example.com"
ZH = {"Accept-Language": "zh-CN"}


@pytest.mark.parametrize("scene, known, unknown", [
    ("login", NATIONAL, UNKNOWN_PHONE),
    ("reset_password", NATIONAL, UNKNOWN_PHONE),
    ("reset_password", EMAIL, UNKNOWN_EMAIL),
])
def test_send_code_answers_alike_for_known_and_unknown(client, member, scene, known, unknown):
    first = send(client, scene, known)
    second = send(client, scene, unknown)
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    # ... but only the real account was sent anything.
    destinations = set(db.session.scalars(db.select(OutboxMessage.destination)))
    assert len(destinations) == 1 and "139" not in next(iter(destinations))
    assert "nobody" not in next(iter(destinations))
    unknown_row = db.session.scalar(db.select(VerificationCode).order_by(
        VerificationCode.id.desc()))
    assert unknown_row.status == CODE_SUPPRESSED


def test_limits_apply_to_unknown_destinations_too(client, member, frozen):
    send(client, "login", UNKNOWN_PHONE)
    first = send(client, "login", UNKNOWN_PHONE)
    send(client, "login", NATIONAL)
    second = send(client, "login", NATIONAL)
    assert first.status_code == second.status_code == 429
    assert first.get_data() == second.get_data()


def test_login_by_code_answers_alike(client, member):
    send(client, "login", NATIONAL)
    send(client, "login", UNKNOWN_PHONE)
    known = client.post("/login/code", data={"phone": NATIONAL, "code": "000000"}, headers=ZH)
    unknown = client.post("/login/code", data={"phone": UNKNOWN_PHONE, "code": "000000"},
                          headers=ZH)
    assert known.status_code == unknown.status_code == 200
    assert _errors(known) == _errors(unknown) == ["验证码错误或已失效"]


def test_forgot_password_answers_alike(client, member):
    form = {"code": "000000", "password": "Quiet-Meadow-77", "confirm": "Quiet-Meadow-77"}
    known = client.post("/forgot", data={"account": EMAIL, **form}, headers=ZH)
    unknown = client.post("/forgot", data={"account": UNKNOWN_EMAIL, **form}, headers=ZH)
    assert known.status_code == unknown.status_code == 200
    assert _errors(known) == _errors(unknown) == ["验证码错误或已失效"]


def test_wrong_expired_and_used_codes_read_the_same(client, member, frozen):
    from tests.codes.conftest import last_code, other_code

    def attempt(code):
        return _errors(client.post("/login/code", data={"phone": NATIONAL, "code": code},
                                   headers=ZH))

    send(client, "login", NATIONAL)
    code = last_code()
    wrong = attempt(other_code(code))
    assert client.post("/login/code", data={"phone": NATIONAL, "code": code}).status_code == 302
    client.post("/logout")
    used = attempt(code)
    frozen.move(seconds=61)
    send(client, "login", NATIONAL)
    frozen.move(minutes=11)
    expired = attempt(last_code())
    assert wrong == used == expired == ["验证码错误或已失效"]


def _errors(response) -> list[str]:
    import re

    html = response.get_data(as_text=True)
    return re.findall(r'<div class="invalid-feedback">([^<]+)</div>', html)
