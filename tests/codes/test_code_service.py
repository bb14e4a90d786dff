"""The code service: stored as a keyed hash, TTL, wrong tries, binding, single use."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect

from core import settings
from extensions import db
from models.code import CODE_SENT, VerificationCode
from services.codes import issue as codes
from services.codes import sending
from services.codes.issue import CodeRequest
from tests.codes.conftest import PHONE, last_code, other_code

SESSION = "s:browser-one"


def issue(scene="register", destination=PHONE, binding=SESSION, **kwargs) -> codes.Issued:
    request = CodeRequest(scene, destination, binding, ip="198.51.100.1", **kwargs)
    return sending.send(request, "zh_CN").issued


def test_a_code_is_sent_with_the_scene_template_and_stored_only_as_a_keyed_hash(app):
    issued = issue()
    code = last_code()
    assert code == issued.code and len(code) == 6
    row = db.session.get(VerificationCode, issued.id)
    assert row.status == CODE_SENT and row.gateway == "log" and row.attempt_id
    stored = [str(getattr(row, c.key)) for c in inspect(VerificationCode).columns]
    assert not any(code in value for value in stored if value != row.code_hint)
    assert row.code_hash == codes.code_hash("register", PHONE, SESSION, "", code)
    assert row.masked_code == code[:2] + "****"


def test_the_hash_depends_on_the_secret_key(app):
    issued = issue()
    before = codes.code_hash("register", PHONE, SESSION, "", issued.code)
    app.config["SECRET_KEY"] = "another-secret-key-0123456789-abcdefghijklmnop"
    try:
        assert codes.code_hash("register", PHONE, SESSION, "", issued.code) != before
        assert not codes.check("register", PHONE, SESSION, issued.code)
    finally:
        app.config["SECRET_KEY"] = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def test_length_follows_the_member_setting(app):
    settings.update({"member.code_length": 8})
    assert len(issue().code) == 8


def test_the_right_code_works_once(app):
    code = issue().code
    assert codes.check("register", PHONE, SESSION, code)
    assert not codes.check("register", PHONE, SESSION, code)


def test_a_code_expires_after_its_ttl(app, frozen):
    settings.update({"member.code_ttl_minutes": 10})
    code = issue().code
    frozen.move(minutes=9, seconds=59)
    assert codes.check("register", PHONE, SESSION, code)  # one second before the end
    frozen.move(seconds=1)
    code = issue().code
    frozen.move(minutes=10)
    assert not codes.check("register", PHONE, SESSION, code)  # exactly at the end


def test_a_code_dies_after_the_allowed_wrong_tries(app):
    settings.update({"member.code_max_attempts": 3})
    code = issue().code
    for _ in range(3):
        assert not codes.check("register", PHONE, SESSION, other_code(code))
    assert not codes.check("register", PHONE, SESSION, code)


def test_a_new_code_does_not_reset_the_wrong_tries(app, frozen):
    settings.update({"member.code_max_attempts": 3})
    first = issue().code
    for _ in range(3):
        codes.check("register", PHONE, SESSION, other_code(first))
    frozen.move(seconds=61)  # past the send interval
    second = issue().code
    assert not codes.check("register", PHONE, SESSION, second)
    # Once the earlier code's validity is over, a new code starts from zero again.
    frozen.move(minutes=11)
    third = issue().code
    assert codes.check("register", PHONE, SESSION, third)


def test_only_the_newest_code_of_a_session_works(app, frozen):
    first = issue().code
    frozen.move(seconds=61)
    second = issue().code
    assert first == second or not codes.check("register", PHONE, SESSION, first)
    assert codes.check("register", PHONE, SESSION, second)


@pytest.mark.parametrize("scene, destination, binding, action", [
    ("reset_password", PHONE, SESSION, ""),  # a register code refused for a reset
    ("register", "+8613800138002", SESSION, ""),  # another destination
    ("register", PHONE, "s:browser-two", ""),  # another browser session
])
def test_a_code_is_bound_to_scene_destination_and_session(app, scene, destination, binding,
                                                         action):
    code = issue().code
    assert not codes.check(scene, destination, binding, code, action)
    assert codes.check("register", PHONE, SESSION, code)


def test_an_operation_protection_code_is_bound_to_its_action(app):
    code = issue("operation_protection", binding="a:1", action="settings.sms").code
    assert not codes.check("operation_protection", PHONE, "a:1", code, "admins.create")
    assert codes.check("operation_protection", PHONE, "a:1", code, "settings.sms")


def test_a_scene_refuses_a_channel_it_does_not_have(app):
    with pytest.raises(ValueError):
        codes.issue(CodeRequest("register", "someone@example.com", SESSION))


def test_an_email_code_goes_out_by_email(app):
    issued = issue("reset_password", destination="someone@example.com")
    row = db.session.get(VerificationCode, issued.id)
    assert (row.channel, row.status, row.gateway) == ("email", CODE_SENT, "log")
    assert last_code("someone@example.com") == issued.code


def test_twenty_parallel_submissions_of_the_right_code_succeed_exactly_once(app):
    code = issue().code
    results: list[bool] = []
    barrier = threading.Barrier(20)

    def submit():
        with app.app_context():
            barrier.wait()
            results.append(codes.check("register", PHONE, SESSION, code))
            db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 19 + [True]


def test_parallel_wrong_tries_never_exceed_the_limit(app):
    settings.update({"member.code_max_attempts": 5})
    code = issue().code
    barrier = threading.Barrier(12)

    def guess():
        with app.app_context():
            barrier.wait()
            codes.check("register", PHONE, SESSION, other_code(code))
            db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not codes.check("register", PHONE, SESSION, code)
