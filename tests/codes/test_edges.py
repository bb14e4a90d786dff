"""Edges a mutation run found unguarded: scene binding of the code lookup, the exact wait
given with an interval refusal, and the boundary at which the daily caps start again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import settings
from extensions import db
from models import Member
from services.codes import issue as codes
from services.codes import sending
from services.codes.issue import CodeRequest
from services.codes.limits import LimitReached
from tests.codes.conftest import NATIONAL, PHONE, other_code, outbox_codes, send

SESSION = "s:browser-one"


def issue(scene: str, destination: str = PHONE, ip: str = "198.51.100.1") -> str:
    return sending.send(CodeRequest(scene, destination, SESSION, ip=ip), "zh_CN").issued.code


def distinct(first: str, second: str) -> None:
    if first == second:  # one chance in a million: nothing to tell apart
        pytest.skip("the two random codes happen to be equal")


# --- a code is looked up with its scene -------------------------------------------------

@pytest.mark.parametrize("order", [("login", "register"), ("register", "login")])
def test_a_code_of_another_scene_neither_kills_nor_stands_in_for_a_pending_code(app, order):
    # The same phone and session; each scene has its own send interval.
    issued = {scene: issue(scene) for scene in order}
    login, register = issued["login"], issued["register"]
    distinct(login, register)
    assert not codes.check("login", PHONE, SESSION, register)
    assert not codes.check("register", PHONE, SESSION, login)
    assert codes.check("login", PHONE, SESSION, login)
    assert codes.check("register", PHONE, SESSION, register)


def test_wrong_tries_on_one_scene_do_not_use_up_another_scenes_code(app):
    settings.update({"member.code_max_attempts": 2})
    login = issue("login")
    for _ in range(2):  # no register code yet: these find nothing to count against
        assert not codes.check("register", PHONE, SESSION, other_code(login))
    assert not codes.check("login", PHONE, SESSION, other_code(login))
    register = issue("register")  # starts from zero: the login code's wrong try stays there
    assert not codes.check("register", PHONE, SESSION, other_code(register))
    assert codes.check("register", PHONE, SESSION, register)
    assert codes.check("login", PHONE, SESSION, login)  # one wrong try of two: alive


def test_a_register_code_does_not_sign_in_and_leaves_the_login_code_usable(client):
    member = Member(phone=PHONE, password_hash="")
    db.session.add(member)
    db.session.commit()
    assert send(client, "login", NATIONAL).get_json()["ok"]
    assert send(client, "register", NATIONAL).get_json()["ok"]
    login, register = outbox_codes()
    distinct(login, register)
    refused = client.post("/login/code", data={"phone": NATIONAL, "code": register})
    assert refused.status_code == 200  # the form again, with the error
    assert db.session.get(Member, member.id, populate_existing=True).last_login_at is None
    signed_in = client.post("/login/code", data={"phone": NATIONAL, "code": login})
    assert signed_in.status_code == 302
    assert db.session.get(Member, member.id, populate_existing=True).last_login_at


# --- the wait given with an interval refusal is exact -----------------------------------

# A found bug, not fixed here (services/codes/limits.py is another change's): _retry_after
# adds one second to whole seconds left (int(left) + 1), so right after a send the refusal
# says 61 while the send said 60. math.ceil(left) is exact; then drop this mark.
def test_the_interval_refusal_gives_the_exact_seconds_left(client, frozen):
    settings.update({"member.code_interval_seconds": 60})
    sent_at = frozen.now
    first = send(client, "register", NATIONAL)
    assert (first.status_code, first.get_json()["retry_after"]) == (200, 60)
    for waited in (0, 45, 59):  # five requests in all: the per-IP request limit allows them
        frozen.set(sent_at + timedelta(seconds=waited))
        answer = send(client, "register", NATIONAL)
        assert (answer.status_code, answer.get_json()["code"], answer.get_json()["retry_after"]) \
            == (429, "code_interval", 60 - waited), f"{waited} s after the send"
    frozen.set(sent_at + timedelta(seconds=60))  # exactly the wait the first answer gave
    again = send(client, "register", NATIONAL)
    assert again.status_code == 200, again.get_json()


# --- the daily caps start again at the site's midnight, not a second before or after --------

def local_midnight_utc(zone: str, days_ahead: int) -> datetime:
    today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date() + timedelta(days=days_ahead)
    return datetime(today.year, today.month, today.day, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def refused(scene: str, destination: str = PHONE, ip: str = "198.51.100.1") -> str:
    with pytest.raises(LimitReached) as caught:
        issue(scene, destination, ip)
    return caught.value.code


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York"])
def test_the_phone_cap_window_ends_exactly_at_the_sites_midnight(app, frozen, zone):
    settings.update({"member.daily_cap_phone": 1, "basic.timezone": zone})
    midnight = local_midnight_utc(zone, 2)
    second = timedelta(seconds=1)
    frozen.set(midnight - second)  # 23:59:59, site time
    issue("register")
    assert refused("login") == "code_limit"  # one second before midnight: the old day
    frozen.set(midnight)  # 00:00:00: a new day
    issue("login")
    frozen.set(midnight + second)  # 00:00:01: the new day's slot is taken
    assert refused("reset_password") == "code_limit"
    next_midnight = local_midnight_utc(zone, 3)
    frozen.set(next_midnight - second)  # the send at 00:00:00 counts for that whole day
    assert refused("reset_password") == "code_limit"
    frozen.set(next_midnight)
    issue("reset_password")


def test_the_ip_cap_window_ends_exactly_at_the_sites_midnight(app, frozen):
    settings.update({"member.daily_cap_ip": 2, "basic.timezone": "Asia/Shanghai"})
    midnight = local_midnight_utc("Asia/Shanghai", 2)
    second = timedelta(seconds=1)
    frozen.set(midnight - second)
    issue("register", "+8613800138011")
    issue("register", "+8613800138012")
    assert refused("register", "+8613800138013") == "code_limit"
    frozen.set(midnight)
    issue("register", "+8613800138013")
    frozen.set(midnight + second)
    issue("register", "+8613800138014")
    assert refused("register", "+8613800138015") == "code_limit"
