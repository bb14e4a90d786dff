"""code_send_counters holds send-limit counters only: captcha flags have their own table,
solved challenges live in the replay store, the code log's total in code_log_total."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from core import settings
from extensions import db, limiter
from models import CaptchaFlag, CodeLogTotal, ReplayKey, SendCounter
from services.codes import captcha, code_log
from services.codes import issue as codes
from services.codes import limits as send_limits
from services.codes.issue import CodeRequest
from tests.codes.test_captcha import solved
from tests.concurrency import at_once
from tests.conftest import ROOT

COUNTER_PREFIXES = ("interval:", "day:", send_limits.HOUR_KEY)
MIGRATIONS = str(ROOT / "migrations")


@pytest.fixture(autouse=True)
def easy_work(monkeypatch):
    monkeypatch.setattr(captcha, "KEY_PREFIX", "0")


def test_flags_solutions_and_the_log_total_stay_out_of_the_counters(app):
    settings.update({"member.hourly_ceiling": 1, "member.captcha_mode": "auto"})
    for n in range(2):  # the second send crosses the ceiling: captcha for everyone
        codes.issue(CodeRequest("register", f"+86138000000{n:02d}", "s:x", ip="198.51.100.1"))
    send_limits.flag_ip("198.51.100.9")
    assert captcha.verify(solved())
    assert code_log.recount() == 2
    keys = db.session.scalars(db.select(SendCounter.key)).all()
    assert keys and all(key.startswith(COUNTER_PREFIXES) for key in keys), keys
    assert set(db.session.scalars(db.select(CaptchaFlag.scope))) == {
        captcha.EVERYONE, captcha.ip_scope("198.51.100.9")}
    assert db.session.scalar(db.select(ReplayKey.namespace)) == captcha.REPLAYS
    assert db.session.get(CodeLogTotal, code_log.TOTAL_ROW).count == 2


def test_a_flag_raised_again_is_extended_not_duplicated(app):
    now = send_limits.clock.now().replace(microsecond=0)  # MariaDB keeps whole seconds
    captcha.turn_on(captcha.ip_scope("198.51.100.1"), now + timedelta(minutes=1))
    captcha.turn_on(captcha.ip_scope("198.51.100.1"), now + timedelta(hours=2))
    db.session.commit()
    [flag] = db.session.scalars(db.select(CaptchaFlag)).all()
    assert flag.expires_at == now + timedelta(hours=2)


def test_expired_flags_are_pruned_with_the_counters(app, frozen):
    send_limits.flag_ip("198.51.100.1")
    frozen.move(days=2)
    send_limits.prune()
    assert db.session.scalar(db.select(CaptchaFlag)) is None


def test_concurrent_trips_of_one_ip_raise_one_flag(_app, app):
    at_once(_app, lambda: send_limits.flag_ip("198.51.100.7"))
    assert db.session.scalars(db.select(CaptchaFlag.scope)).all() == [
        captcha.ip_scope("198.51.100.7")]


def test_a_solution_posted_concurrently_is_accepted_once(_app, app):
    payload = solved()
    db.session.commit()
    assert sorted(at_once(_app, lambda: captcha.verify(payload))) == [False] * 5 + [True]


@pytest.fixture
def scratch_app(_app, base_config, tmp_path):
    """Another app on an empty SQLite file, for running the migrations themselves."""
    from app import create_app

    made = create_app({**base_config, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"})
    with made.app_context():
        yield made
        db.session.remove()
    limiter.init_app(_app)  # Flask-Limiter keeps one storage per limiter


def test_the_migration_moves_the_rows_that_were_not_counters(scratch_app):
    from flask_migrate import downgrade, upgrade

    upgrade(directory=MIGRATIONS, revision="0f6552bcf5be")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO api_clients (id, client_id, name, kind, api_key_hash, sign_key, "
            "active, created_at) VALUES (7, 'c7', 'n', 'events', 'h', 's', :yes, :at)"),
            {"yes": True, "at": datetime(2026, 1, 1)})
        conn.execute(text("INSERT INTO api_nonces (client_id, nonce, created_at) "
                          "VALUES (7, 'nonce-abc-1', :at)"), {"at": datetime(2026, 1, 1, 12)})
        conn.execute(text("INSERT INTO code_send_counters VALUES (:key, :count, :at)"), [
            {"key": "log:total", "count": 42, "at": datetime(9999, 1, 1)},
            {"key": "captcha:all", "count": 3, "at": datetime(2026, 1, 1, 13)},
            {"key": "captcha:ip:198.51.100.1", "count": 1, "at": datetime(2026, 1, 1, 13)},
            {"key": "altcha:abcdef", "count": 1, "at": datetime(2026, 1, 1, 12, 10)},
            {"key": "day:dest:+8613800138000", "count": 2, "at": datetime(2026, 1, 2)},
        ])
    upgrade(directory=MIGRATIONS, revision="heads")
    assert db.session.scalars(db.select(SendCounter.key)).all() == ["day:dest:+8613800138000"]
    assert db.session.get(CodeLogTotal, 1).count == 42
    assert {(f.scope, f.expires_at.hour) for f in db.session.scalars(db.select(CaptchaFlag))} \
        == {("all", 13), ("ip:198.51.100.1", 13)}
    keys = {(k.namespace, k.key, k.expires_at.minute)
            for k in db.session.scalars(db.select(ReplayKey))}
    assert keys == {("captcha", "abcdef", 10), ("api_nonce", "7:nonce-abc-1", 30)}
    db.session.rollback()
    downgrade(directory=MIGRATIONS, revision="0f6552bcf5be")
    with db.engine.connect() as conn:
        counters = set(conn.execute(text("SELECT key FROM code_send_counters")).scalars())
        nonces = conn.execute(text("SELECT client_id, nonce FROM api_nonces")).all()
    assert counters == {"log:total", "captcha:all", "captcha:ip:198.51.100.1", "altcha:abcdef",
                        "day:dest:+8613800138000"}
    assert [tuple(row) for row in nonces] == [(7, "nonce-abc-1")]
