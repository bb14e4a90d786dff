"""Victim lockout (issue 17, item 5): wrong tries count per code and binding, and a daily
budget per destination turns the captcha on and alerts instead of killing codes."""

from __future__ import annotations

from core import settings
from extensions import db
from models import SiteAlert
from models.alert import ALERT_FAILURE_BUDGET
from services.codes import captcha, sending
from services.codes import issue as codes
from services.codes.issue import CodeRequest
from tests.codes.conftest import PHONE, other_code

VICTIM, STRANGER = "s:victim-browser", "s:stranger-browser"
VICTIM_IP, STRANGER_IP, BYSTANDER_IP = "198.51.100.7", "203.0.113.66", "192.0.2.10"


def issue(binding: str, ip: str, scene: str = "login") -> str:
    request = CodeRequest(scene, PHONE, binding, ip=ip)
    return sending.send(request, "zh_CN").issued.code


def guess_wrong(binding: str, code: str, times: int, scene: str = "login") -> None:
    for _ in range(times):
        assert not codes.check(scene, PHONE, binding, other_code(code))


def budget_alerts() -> list[SiteAlert]:
    return list(db.session.scalars(db.select(SiteAlert).where(
        SiteAlert.kind == ALERT_FAILURE_BUDGET)))


def test_a_strangers_wrong_tries_do_not_kill_the_victims_next_code(app, frozen):
    settings.update({"member.code_max_attempts": 5})
    strangers = issue(STRANGER, STRANGER_IP)
    guess_wrong(STRANGER, strangers, 5)  # the stranger's own code is now dead
    frozen.move(seconds=61)  # past the send interval, the stranger's code still valid
    victims = issue(VICTIM, VICTIM_IP)
    assert codes.check("login", PHONE, VICTIM, victims)


def test_wrong_tries_from_a_session_without_the_code_do_not_count_against_it(app):
    settings.update({"member.code_max_attempts": 2})
    victims = issue(VICTIM, VICTIM_IP)
    guess_wrong(STRANGER, victims, 5)  # the stranger holds no code: nothing to guess at
    assert codes.check("login", PHONE, VICTIM, victims)


def test_the_same_sessions_wrong_tries_carry_over_even_with_a_stranger_in_between(app,
                                                                                 frozen):
    settings.update({"member.code_max_attempts": 3})
    first = issue(VICTIM, VICTIM_IP)
    guess_wrong(VICTIM, first, 3)
    frozen.move(seconds=61)
    issue(STRANGER, STRANGER_IP)  # now the newest code of the phone, with no wrong tries
    frozen.move(seconds=61)
    again = issue(VICTIM, VICTIM_IP)
    assert not codes.check("login", PHONE, VICTIM, again)  # asking again bought no guesses


def test_the_daily_failure_budget_turns_the_captcha_on_and_alerts_once(app, frozen):
    settings.update({"member.code_max_attempts": 5, "member.daily_failure_budget": 3,
                     "member.captcha_mode": "auto"})
    strangers = issue(STRANGER, STRANGER_IP)
    guess_wrong(STRANGER, strangers, 3)  # within the budget: no guard yet
    assert not captcha.required(STRANGER_IP, PHONE) and budget_alerts() == []
    guess_wrong(STRANGER, strangers, 1)  # one past it
    assert captcha.required(STRANGER_IP)  # the IP that asked for the guessed code
    assert captcha.required(BYSTANDER_IP, PHONE)  # anyone sending to the phone
    assert not captcha.required(BYSTANDER_IP)  # but not everyone everywhere
    guess_wrong(STRANGER, strangers, 1)
    alerts = budget_alerts()
    assert len(alerts) == 1 and alerts[0].details["budget"] == 3
    assert alerts[0].details["destination"] == PHONE and PHONE in alerts[0].message
    # No code is killed by the budget: the owner still signs in.
    frozen.move(seconds=61)
    victims = issue(VICTIM, VICTIM_IP)
    assert codes.check("login", PHONE, VICTIM, victims)


def test_the_failure_budget_starts_again_the_next_day(app, frozen):
    settings.update({"member.daily_failure_budget": 2, "member.captcha_mode": "auto"})
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP), 2)
    frozen.move(days=1)
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP), 2)
    assert not captcha.required(BYSTANDER_IP, PHONE) and budget_alerts() == []


def test_wrong_tries_on_other_scenes_share_the_destinations_budget(app):
    settings.update({"member.daily_failure_budget": 3, "member.captcha_mode": "auto"})
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP, "login"), 2)
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP, "reset_password"), 2, "reset_password")
    assert captcha.required(BYSTANDER_IP, PHONE) and len(budget_alerts()) == 1


def test_the_send_page_asks_anyone_sending_to_a_guessed_phone_for_the_captcha(app, client):
    from tests.codes.conftest import send

    settings.update({"member.code_max_attempts": 5, "member.daily_failure_budget": 1,
                     "member.captcha_mode": "auto"})
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP), 2)  # past the budget of 1
    answer = send(client, "register")  # another browser, another address, the same phone
    assert answer.status_code == 400 and answer.get_json()["code"] == "captcha_required"
    assert send(client, "register", destination="+8613900139000").status_code == 200


def test_the_budget_alert_shows_on_admin_pages_in_the_readers_language(app, client, auth):
    settings.update({"member.code_max_attempts": 5, "member.daily_failure_budget": 1})
    guess_wrong(STRANGER, issue(STRANGER, STRANGER_IP), 2)
    auth.login()
    zh = client.get("/admin/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    en = client.get("/admin/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "验证码疑似被猜测" in zh and PHONE in zh and "输错已超过 1 次" in zh
    assert "Codes being guessed" in en and "more than 1 wrong verification codes" in en
