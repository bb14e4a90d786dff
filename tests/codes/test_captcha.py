"""The behaviour captcha: ALTCHA proof of work, modes off / always / auto."""

from __future__ import annotations

import base64
import json

import altcha
import pytest

from core import settings
from services.codes import captcha
from services.codes import issue as codes
from services.codes import limits as send_limits
from services.codes.issue import CodeRequest
from tests.codes.conftest import JSON, PHONE, send


@pytest.fixture(autouse=True)
def easy_work(monkeypatch):
    """One guess in 16 instead of 4,096: the same protocol, solved in milliseconds."""
    monkeypatch.setattr(captcha, "KEY_PREFIX", "0")


def solved(client=None) -> str:
    """A solution the browser widget would post, for a challenge from the server."""
    data = client.get("/codes/challenge").get_json() if client else captcha.challenge()
    challenge = altcha.Challenge.from_dict(data)
    solution = altcha.solve_challenge(challenge, timeout=30)
    return altcha.Payload(challenge, solution).to_base64()


def test_off_never_asks(app):
    settings.update({"member.captcha_mode": "off"})
    captcha.turn_on(captcha.EVERYONE, send_limits.clock.now().replace(year=2999))
    assert not captcha.required("198.51.100.1")


def test_always_asks_everyone(app):
    settings.update({"member.captcha_mode": "always"})
    assert captcha.required("198.51.100.1")


def test_auto_asks_nobody_until_abuse(app):
    settings.update({"member.captcha_mode": "auto"})
    assert not captcha.required("198.51.100.1")


def test_auto_asks_an_ip_that_tripped_a_cap_and_only_that_ip(app):
    settings.update({"member.captcha_mode": "auto", "member.daily_cap_ip": 1})
    codes.issue(CodeRequest("register", PHONE, "s:x", ip="198.51.100.1"))
    with pytest.raises(send_limits.LimitReached):
        codes.issue(CodeRequest("register", "+8613800138009", "s:x", ip="198.51.100.1"))
    assert captcha.required("198.51.100.1")
    assert not captcha.required("198.51.100.2")


def test_the_flag_drops_after_its_hour(app, frozen):
    settings.update({"member.captcha_mode": "auto"})
    send_limits.flag_ip("198.51.100.1")
    frozen.move(minutes=59)
    assert captcha.required("198.51.100.1")
    frozen.move(minutes=2)
    assert not captcha.required("198.51.100.1")


def test_a_solved_challenge_verifies_once(app):
    payload = solved()
    assert captcha.verify(payload)
    assert not captcha.verify(payload)  # replayed


def test_a_forged_or_broken_payload_is_refused(app):
    payload = json.loads(base64.b64decode(solved()))
    payload["solution"]["counter"] += 1
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert not captcha.verify(forged)
    assert not captcha.verify("not base64 at all")
    assert not captcha.verify("")
    assert not captcha.verify(None)


def test_a_challenge_signed_with_another_key_is_refused(app):
    made = altcha.create_challenge(captcha.ALGORITHM, captcha.COST, key_prefix="0",
                                   hmac_secret=b"someone else's key")
    solution = altcha.solve_challenge(made, timeout=30)
    assert not captcha.verify(altcha.Payload(made, solution).to_base64())


def test_the_challenge_endpoint_serves_a_signed_uncached_challenge(client):
    response = client.get("/codes/challenge")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert data["signature"] and data["parameters"]["algorithm"] == captcha.ALGORITHM


def test_send_code_asks_for_the_captcha_then_accepts_a_solution(client):
    settings.update({"member.captcha_mode": "always"})
    refused = send(client, "register")
    assert refused.status_code == 400
    assert refused.get_json()["code"] == "captcha_required" and refused.get_json()["captcha"]
    accepted = send(client, "register", altcha=solved(client))
    assert accepted.status_code == 200 and accepted.get_json()["ok"]


def test_pages_show_the_widget_only_when_it_is_needed(client):
    settings.update({"member.captcha_mode": "off"})
    html = client.get("/register").get_data(as_text=True)
    assert "captcha-box d-none" in html
    settings.update({"member.captcha_mode": "always"})
    html = client.get("/register").get_data(as_text=True)
    assert "captcha-box " in html and "captcha-box d-none" not in html
    assert "vendor/altcha/altcha.min.js" in html and "pbkdf2.worker.js" in html


def test_the_widget_assets_are_vendored_with_their_licence(client):
    for name in ("altcha.min.js", "altcha.css", "pbkdf2.worker.js", "zh-cn.js", "LICENSE.txt"):
        response = client.get(f"/static/vendor/altcha/{name}")
        assert response.status_code == 200, name
        response.close()


def test_json_refusal_carries_no_fix_for_members(client):
    settings.update({"member.captcha_mode": "always"})
    body = client.post("/codes/send", data={"scene": "register", "destination": PHONE},
                       headers=JSON).get_json()
    assert set(body) == {"ok", "code", "message", "retry_after", "captcha"}
