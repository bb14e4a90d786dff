"""POST /codes/send: answers, refusals and the form fallback for browsers without JS."""

from __future__ import annotations

from core import settings
from extensions import db
from models.code import CODE_REFUSED, VerificationCode
from services.notify import matrix as event_settings
from tests.codes.conftest import JSON, NATIONAL, PHONE, send

ZH = {"Accept-Language": "zh-CN"}


def newest() -> VerificationCode:
    return db.session.scalar(db.select(VerificationCode).order_by(VerificationCode.id.desc()))


def test_a_sent_answer_says_how_long_the_code_lives_and_when_to_ask_again(client):
    settings.update({"member.code_ttl_minutes": 15, "member.code_interval_seconds": 90})
    answer = client.post("/codes/send", data={"scene": "register", "destination": NATIONAL},
                         headers={**JSON, **ZH}, buffered=True)
    body = answer.get_json()
    assert body == {"ok": True, "code": "sent", "message": "验证码已发送，15分钟内有效。",
                    "retry_after": 90}


def test_an_unknown_scene_is_a_bad_request(client):
    assert send(client, "admin_login").status_code == 400
    assert send(client, "nonsense").get_json()["code"] == "bad_request"


def test_a_number_outside_the_allowed_countries_is_refused_and_logged(client):
    answer = send(client, "register", "+1 202 555 0100")
    assert answer.status_code == 400 and answer.get_json()["code"] == "invalid_phone"
    row = newest()
    assert (row.status, row.error, row.destination) == (CODE_REFUSED, "invalid_phone",
                                                        "+1 202 555 0100")
    settings.update({"member.allowed_countries": ["CN", "US"]})
    assert send(client, "register", "+1 202 555 0100").status_code == 200
    assert newest().destination == "+12025550100"  # stored in E.164


def test_an_email_is_refused_for_a_scene_without_email(client):
    answer = send(client, "register", "someone@example.com")
    assert answer.get_json()["code"] == "invalid_phone"


def test_a_bad_email_is_refused_for_a_reset(client):
    assert send(client, "reset_password", "not@an@email").get_json()["code"] == "invalid_email"


def test_a_scene_switched_off_in_the_matrix_sends_nothing(client):
    event_settings.save({"reset_password": event_settings.Switches(True, ("sms",))})
    answer = send(client, "reset_password", "someone@example.com")
    assert answer.status_code == 429 and answer.get_json()["code"] == "channel_off"
    assert newest().error == "channel_off"
    event_settings.save({"login": event_settings.Switches(False, ("sms",))})
    assert send(client, "login", NATIONAL).get_json()["code"] == "event_disabled"


def test_without_javascript_the_form_posts_and_comes_back_with_a_message(client):
    page = client.post("/codes/send", data={"scene": "register", "phone": NATIONAL,
                                            "next": "/register"}, headers=ZH, buffered=True)
    assert page.status_code == 302
    assert page.location.startswith("/register?") and "destination=13800138001" in page.location
    html = client.get(page.location, headers=ZH).get_data(as_text=True)
    assert "验证码已发送" in html and 'value="13800138001"' in html
    assert newest().destination == PHONE


def test_the_form_fallback_never_redirects_off_site(client):
    page = client.post("/codes/send", data={"scene": "register", "phone": NATIONAL,
                                            "next": "https://evil.example/"}, buffered=True)
    assert page.location.startswith("/account/")


def test_one_send_loads_the_settings_once_for_the_answer_and_once_for_the_delivery(
        client, monkeypatch):
    from core.settings.store import CACHE_KEY
    from extensions import cache

    send(client, "register")  # warm: the settings are in the shared cache
    token = client.csrf_token()  # fetched now: that page load would count too
    loads = []
    plain_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key: loads.append(key) or plain_get(key))
    answer = send(client, "register", "13900139000", csrf_token=token)
    assert answer.status_code == 200 and newest().status == "sent"  # delivered after it
    # The delivery is a queue task with its own app context (a worker process in
    # production): it reads the settings once more, not once per setting.
    assert loads.count(CACHE_KEY) == 2
