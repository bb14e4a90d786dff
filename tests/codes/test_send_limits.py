"""Send limits: interval, daily caps per phone / IP / account, hourly ceiling, countries.

The concurrency tests run threads against the real database (SQLite here; PostgreSQL and
MariaDB when HERALD_TEST_DATABASE_URL names them).
"""

from __future__ import annotations

import threading

import pytest

from core import settings
from extensions import db
from models import DeliveryAttempt, SiteAlert
from models.code import CODE_REFUSED, SendCounter, VerificationCode
from services.codes import captcha
from services.codes import issue as codes
from services.codes import limits as send_limits
from services.codes.issue import CodeRequest
from services.codes.limits import LimitReached
from tests.codes.conftest import PHONE

SEED_LIMIT_TEXT = "发送失败，已达验证码发送上限"


def phone(n: int) -> str:
    return f"+86138{n:08d}"


def request(destination=PHONE, ip="198.51.100.1", scene="register", account=None):
    return CodeRequest(scene, destination, "s:test", ip=ip, account_id=account,
                       member_id=account)


def refusal(req: CodeRequest) -> str:
    with pytest.raises(LimitReached) as caught:
        codes.issue(req)
    return caught.value.code


def test_one_send_per_interval_per_destination_and_scene(app, frozen):
    codes.issue(request())
    assert refusal(request()) == "code_interval"
    codes.issue(request(scene="login"))  # another scene has its own interval
    codes.issue(request(destination=phone(2)))  # and so has another phone
    frozen.move(seconds=60)
    codes.issue(request())


def test_the_interval_refusal_says_how_long_to_wait(app, frozen):
    codes.issue(request())
    frozen.move(seconds=45)
    with pytest.raises(LimitReached) as caught:
        codes.issue(request())
    assert 14 <= caught.value.retry_after <= 16


def test_daily_cap_per_phone(app, frozen):
    settings.update({"member.daily_cap_phone": 3})
    for i in range(3):
        codes.issue(request(ip=f"198.51.100.{i}", scene=("register", "login", "reset_password")[i]))
    assert refusal(request(ip="198.51.100.9", scene="change_phone")) == "code_limit"


def test_daily_cap_per_ip(app):
    settings.update({"member.daily_cap_ip": 3})
    for i in range(3):
        codes.issue(request(destination=phone(i)))
    assert refusal(request(destination=phone(9))) == "code_limit"
    codes.issue(request(destination=phone(9), ip="198.51.100.2"))


def test_daily_cap_per_account(app):
    settings.update({"member.daily_cap_account": 2})
    codes.issue(request(destination=phone(1), ip="198.51.100.1", account=None))
    from models import Member

    member = Member(phone=phone(50))
    db.session.add(member)
    db.session.commit()
    for i in range(2):
        codes.issue(request(destination=phone(10 + i), ip=f"198.51.100.{i}", account=member.id))
    assert refusal(request(destination=phone(20), ip="198.51.100.7", account=member.id)) == \
        "code_limit"


def test_daily_caps_reset_at_the_sites_midnight(app, frozen):
    settings.update({"member.daily_cap_phone": 1, "basic.timezone": "Asia/Shanghai"})
    frozen.set(frozen.now.replace(hour=15, minute=59, second=0))  # 23:59 in Beijing
    codes.issue(request())
    frozen.move(seconds=30)
    assert refusal(request(scene="login")) == "code_limit"
    frozen.move(seconds=31)  # 00:00:01 Beijing time: a new day
    codes.issue(request(scene="login"))


def test_a_refusal_is_logged_and_sends_nothing(app):
    settings.update({"member.daily_cap_phone": 1})
    codes.issue(request())
    refusal(request(scene="login"))
    row = db.session.scalar(db.select(VerificationCode).order_by(VerificationCode.id.desc()))
    assert (row.status, row.error, row.code_hash) == (CODE_REFUSED, "code_limit", "")
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryAttempt)) == 0


def test_the_limit_message_is_the_seeds(app):
    from core import catalog

    assert catalog.message("code_limit", "zh_CN") == SEED_LIMIT_TEXT
    assert catalog.message("code_limit", "en") == \
        "Sending failed: the daily verification-code limit was reached"


def test_a_refused_request_uses_no_slot_of_another_limit(app):
    settings.update({"member.daily_cap_phone": 1, "member.daily_cap_ip": 2})
    codes.issue(request(destination=phone(1)))
    for _ in range(3):  # the phone cap refuses; the IP cap must not be used up by that
        refusal(request(destination=phone(1), scene="login"))
    codes.issue(request(destination=phone(2)))


def _parallel(app, count: int, make_request) -> list[str]:
    outcomes: list[str] = []
    barrier = threading.Barrier(count)

    def run(i: int):
        with app.app_context():
            barrier.wait()
            try:
                codes.issue(make_request(i))
                outcomes.append("sent")
            except LimitReached as exc:
                outcomes.append(exc.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_phone_cap_holds_under_concurrent_requests(app):
    settings.update({"member.daily_cap_phone": 5})
    scenes = ("register", "login", "reset_password", "change_phone", "change_email",
              "change_protection", "operation_protection", "admin_login")
    outcomes = _parallel(app, 8, lambda i: request(scene=scenes[i], ip=f"198.51.100.{i}"))
    assert outcomes.count("sent") == 5 and outcomes.count("code_limit") == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(VerificationCode).where(
        VerificationCode.status != CODE_REFUSED)) == 5


def test_the_ip_cap_holds_under_concurrent_requests(app):
    settings.update({"member.daily_cap_ip": 7})
    outcomes = _parallel(app, 20, lambda i: request(destination=phone(i)))
    assert outcomes.count("sent") == 7 and outcomes.count("code_limit") == 13


def test_the_interval_holds_under_concurrent_requests(app):
    outcomes = _parallel(app, 10, lambda i: request(ip=f"198.51.100.{i}"))
    assert outcomes.count("sent") == 1 and outcomes.count("code_interval") == 9


def test_crossing_the_hourly_ceiling_turns_the_captcha_on_and_alerts_once(app):
    settings.update({"member.hourly_ceiling": 3, "member.captcha_mode": "auto"})
    outcomes = _parallel(app, 6, lambda i: request(destination=phone(i), ip=f"198.51.100.{i}"))
    assert outcomes.count("sent") == 6  # the ceiling does not refuse; it raises the guard
    assert captcha.required("203.0.113.50")  # everyone, not only the senders
    alerts = db.session.scalars(db.select(SiteAlert)).all()
    assert [a.kind for a in alerts] == ["hourly_ceiling"]


def test_the_hourly_count_starts_again_each_hour(app, frozen):
    settings.update({"member.hourly_ceiling": 2, "member.captcha_mode": "auto"})
    frozen.set(frozen.now.replace(minute=10))
    for i in range(2):
        codes.issue(request(destination=phone(i)))
    frozen.move(hours=1)
    for i in range(2):
        codes.issue(request(destination=phone(10 + i)))
    assert not captcha.required("198.51.100.1")
    assert db.session.scalar(db.select(db.func.count()).select_from(SiteAlert)) == 0


def test_expired_counters_are_pruned_with_the_first_send_of_an_hour(app, frozen):
    codes.issue(request())
    frozen.move(days=2)
    codes.issue(request(destination=phone(7)))
    keys = set(db.session.scalars(db.select(SendCounter.key)))
    assert not any(PHONE in key for key in keys)
    assert any(phone(7) in key for key in keys)


def test_a_long_email_gets_a_short_counter_key(app):
    address = "a" * 60 + "@" + "b" * 180 + ".example.com"
    codes.issue(request(destination=address, scene="reset_password"))
    assert all(len(key) <= 191 for key in db.session.scalars(db.select(SendCounter.key)))


def test_take_refuses_at_the_cap_and_starts_again_after_the_window(app, frozen):
    from datetime import timedelta

    until = frozen.now + timedelta(minutes=1)
    assert send_limits.take("k", 2, until, frozen.now)
    assert send_limits.take("k", 2, until, frozen.now)
    assert not send_limits.take("k", 2, until, frozen.now)
    frozen.move(minutes=1)
    assert send_limits.take("k", 2, frozen.now + timedelta(minutes=1), frozen.now)
