"""The hourly balance check: read from the provider's fake, kept for the SMS tab, and the
sms_balance_low notice to the super admins once per site day while it stays low."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from core import crypto, settings
from core.admins import make_admin
from extensions import db
from models import ROLE_OPERATOR
from models.queue import Job
from services.delivery import balance
from tests.fakes.balances import SmsbaoBalanceFake, TwilioBalanceFake
from tests.fakes.httpserver import FakeServer

SMSBAO = {"sms.gateway": "smsbao", "sms.smsbao.username": "herald",
          "sms.smsbao.password": "api-key-123", "sms.smsbao.signature": "Herald"}


@pytest.fixture
def smsbao(app) -> Iterator[SmsbaoBalanceFake]:
    fake = SmsbaoBalanceFake("herald", "pass-word", "api-key-123", left=480)
    with FakeServer(fake) as server:
        settings.update({**SMSBAO, "sms.smsbao.endpoint": server.url + "/"})
        yield fake


def notices() -> list[Job]:
    return list(db.session.scalars(db.select(Job).where(Job.event == balance.EVENT)))


def test_the_reading_is_kept_for_the_sms_tab(smsbao):
    reading = balance.check_active()
    assert reading.balance.amount == Decimal(480) and reading.failure is None
    assert balance.last("smsbao") == reading and smsbao.balance_queries == 1


def test_no_threshold_no_notice(smsbao, admin):
    balance.check_active()
    assert notices() == []


def test_low_balance_notifies_each_super_admin_once_a_day(smsbao, admin, frozen):
    frozen.set(datetime(2026, 12, 6, 2, 0, tzinfo=UTC))  # 10:00 in Beijing
    make_admin("operator", "another-password-1", email="op@example.com", role=ROLE_OPERATOR)
    settings.update({"sms.balance_low_threshold": 500})

    balance.check_active()
    frozen.move(hours=1)
    balance.check_active()  # still low, same day: no second notice

    [job] = notices()
    assert json.loads(job.audience_data) == {"id": admin.id}
    values = json.loads(crypto.decrypt(job.variables))
    assert (values["gateway"], values["threshold"]) == ("smsbao", "500")
    assert "480" in values["balance"]
    # The notice itself went out: the SMS through SMSBao to the admin's phone.
    assert any(sent["m"] == "13800138000" and "480" in sent["c"] for sent in smsbao.sent)

    frozen.move(hours=15)  # past midnight in Beijing: a new day, a new reminder
    balance.check_active()
    assert len(notices()) == 2


def test_a_balance_above_the_threshold_sends_nothing(smsbao, admin):
    settings.update({"sms.balance_low_threshold": 100})
    balance.check_active()
    assert notices() == []


def test_a_failed_reading_is_kept_and_sends_nothing(smsbao, admin):
    smsbao.query_code = "43"  # the server's IP is not on the account's list
    settings.update({"sms.balance_low_threshold": 5000})
    reading = balance.check_active()
    assert reading.failure.error == "auth_failed" and reading.balance is None
    assert balance.last("smsbao").failure.raw_code == "43" and notices() == []


def test_twilio_balance_in_its_currency(app, admin):
    fake = TwilioBalanceFake("AC123", "tw-token", balance="1.50")
    with FakeServer(fake) as server:
        settings.update({"sms.gateway": "twilio", "sms.twilio.account_sid": "AC123",
                         "sms.twilio.auth_token": "tw-token",
                         "sms.twilio.from_number": "+15005550006",
                         "sms.twilio.endpoint": server.url, "sms.balance_low_threshold": 2})
        reading = balance.check_active()
    assert (reading.balance.amount, reading.balance.unit) == (Decimal("1.50"), "USD")
    assert len(notices()) == 1


def test_gateways_without_a_balance_are_skipped(app):
    assert balance.check_active() is None  # the built-in log gateway


def test_the_worker_checks_every_hour(app, monkeypatch):
    from extensions import queue

    huey = queue.consumable(app)
    due = {task.name for task in huey.read_periodic(datetime(2026, 12, 7, 3, 43))}
    assert "sms_balance_check" in due
    calls = []
    monkeypatch.setattr(balance, "check_active", lambda: calls.append("check"))
    balance.check_periodically()
    assert calls == ["check"]


def test_the_notice_is_never_offered_for_a_broadcast():
    from blueprints.admin_messages.forms import BROADCAST_EVENTS

    assert balance.EVENT not in {event.name for event in BROADCAST_EVENTS}
