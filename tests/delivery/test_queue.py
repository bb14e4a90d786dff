"""The queue's rules, with tasks run inline: claim once, retry only what surely did not go
out, never past a code's validity, settle what a gone worker held, find what the queue lost.

tests/queue runs the same rules with real worker processes.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from core import settings
from core.queue import SqliteStorage, _build
from extensions import db
from models import DeliveryAttempt, OutboxMessage, VerificationCode
from models.queue import OUT_FAILED, OUT_QUEUED, OUT_SENDING, OUT_SENT, OUT_UNKNOWN, Outgoing
from services.codes import sending
from services.codes.issue import CodeRequest
from services.delivery import outgoing, sweep, tasks
from tests.diagnostics.helpers import store_unchecked
from tests.fakes.httpserver import FakeServer, Reply

PHONE = "+8613800138000"
SMSBAO = {"sms.gateway": "smsbao", "sms.smsbao.username": "u", "sms.smsbao.password": "p",
          "sms.smsbao.signature": "Herald"}


def send_code(scene: str = "register") -> sending.Sent:
    return sending.send(CodeRequest(scene, PHONE, "s:abc", ip="198.51.100.9"), "zh_CN")


def newest() -> Outgoing:
    db.session.expire_all()
    return db.session.scalar(db.select(Outgoing).order_by(Outgoing.id.desc()))


def attempts() -> list[DeliveryAttempt]:
    return list(db.session.scalars(db.select(DeliveryAttempt).order_by(DeliveryAttempt.id)))


@pytest.fixture
def refused(app, closed_port):
    """SMSBao at a port nobody listens on: each try certainly did not go out."""
    store_unchecked({**SMSBAO, "sms.smsbao.endpoint": f"http://127.0.0.1:{closed_port}/"})


def test_a_code_goes_out_through_a_queued_row_that_is_settled(app):
    sent = send_code()
    row = newest()
    assert sent.delivered and row.status == OUT_SENT and row.tries == 1
    assert row.code_id == sent.issued.id and row.attempt_id == attempts()[-1].id
    assert row.payload == ""  # the code it carried is not kept once it went out


def test_a_second_copy_of_the_task_finds_nothing_to_claim(app):
    send_code()
    tasks.deliver(newest().id)
    assert len(attempts()) == 1 and db.session.scalar(
        db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_a_refused_connection_is_retried_after_a_growing_wait_each_try_logged(
        app, refused, frozen):
    settings.update({"sms.max_tries": 3})
    sent = send_code()
    row = newest()
    assert sent.queued and (row.status, row.tries, row.error) == (OUT_QUEUED, 1, "unreachable")
    first_wait = row.due_at - frozen.now
    sweep.sweep()  # not due yet: nothing happens
    assert newest().tries == 1
    frozen.move(seconds=first_wait.total_seconds())
    sweep.sweep()
    row = newest()
    assert (row.status, row.tries) == (OUT_QUEUED, 2)
    assert row.due_at - frozen.now == 2 * first_wait  # the wait doubles
    frozen.move(seconds=(row.due_at - frozen.now).total_seconds())
    sweep.sweep()
    row = newest()
    assert (row.status, row.tries, row.error) == (OUT_FAILED, 3, "unreachable")
    assert [a.error for a in attempts()] == ["unreachable"] * 3
    assert db.session.get(VerificationCode, sent.issued.id).status == "failed"


def test_one_try_is_the_setting_to_turn_retries_off(app, refused):
    settings.update({"sms.max_tries": 1})
    send_code()
    assert (newest().status, newest().tries) == (OUT_FAILED, 1)


def test_a_read_timeout_is_never_retried(app):
    settings.update({"sms.max_tries": 5, "sms.read_timeout": 0.5})
    with FakeServer(lambda request: Reply.stalled(2)) as provider:
        store_unchecked({**SMSBAO, "sms.smsbao.endpoint": provider.url + "/"})
        send_code()
    row = newest()
    assert (row.status, row.tries, row.error) == (OUT_FAILED, 1, "timeout")
    assert len(attempts()) == 1


def test_a_code_is_not_retried_once_it_could_only_arrive_expired(app, refused, monkeypatch):
    settings.update({"sms.max_tries": 5})
    monkeypatch.setitem(app.config, "HERALD_RETRY_DELAY", 3600.0)  # past the 10-minute TTL
    send_code()
    assert (newest().status, newest().tries) == (OUT_FAILED, 1)


def test_a_code_that_waited_past_its_validity_is_not_sent(app, frozen, monkeypatch):
    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)  # lost enqueue
    sent = send_code()
    frozen.move(minutes=11)
    monkeypatch.undo()
    sweep.sweep()
    row = newest()
    assert (row.status, row.error) == (OUT_FAILED, "code_expired") and attempts() == []
    assert db.session.get(VerificationCode, sent.issued.id).error == "code_expired"


def test_the_sweep_delivers_what_the_queue_lost(app, monkeypatch):
    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    sent = send_code()
    assert newest().status == OUT_QUEUED and attempts() == []
    monkeypatch.undo()
    sweep.sweep()
    assert newest().status == OUT_SENT
    assert db.session.get(VerificationCode, sent.issued.id).status == "sent"


def test_a_row_a_gone_worker_left_sending_is_outcome_unknown_and_never_sent(app, monkeypatch):
    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    sent = send_code()
    monkeypatch.undo()
    # Claimed by a worker on another box that has stopped beating (no heartbeat row).
    assert outgoing.claim(newest().id, "otherbox:4242:dead") is not None
    sweep.sweep()
    row = newest()
    assert (row.status, row.error) == (OUT_UNKNOWN, "outcome_unknown")
    code = db.session.get(VerificationCode, sent.issued.id)
    assert (code.status, code.error) == ("failed", "outcome_unknown")
    tasks.deliver(row.id)  # a late copy of its task
    sweep.sweep()
    assert attempts() == [] and newest().status == OUT_UNKNOWN


def test_a_row_this_worker_is_sending_is_left_alone(app, monkeypatch):
    from services.delivery import workers

    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    send_code()
    outgoing.claim(newest().id, workers.me())
    sweep.sweep()
    assert newest().status == OUT_SENDING


def test_a_worker_does_not_overwrite_the_sweeps_verdict_on_its_row(app, monkeypatch):
    from gateways.base import SendResult
    from gateways.sender import Delivery
    from services.delivery import messaging

    def slow_send_meanwhile_settled(channel, message):
        # Another worker's sweep took this one for gone while the provider had the message.
        db.session.execute(db.update(Outgoing).values(status=OUT_UNKNOWN,
                                                      error="outcome_unknown"))
        db.session.commit()
        result = SendResult.sent("log", message_id="late")
        return Delivery(result, [result])

    monkeypatch.setattr(messaging, "deliver", slow_send_meanwhile_settled)
    send_code()
    row = newest()
    assert (row.status, row.error) == (OUT_UNKNOWN, "outcome_unknown")
    assert [a.message_id for a in attempts()] == ["late"]  # what went out is still logged


def test_the_sqlite_queue_file_is_synced_normal_not_full(app, tmp_path):
    # FULL (Huey's default) syncs the file at every enqueue and dequeue; a lost entry is
    # found again by the sweep, so NORMAL, as Herald's own SQLite database, is enough.
    app.config.update(HERALD_QUEUE="sqlite", HERALD_QUEUE_FILE=str(tmp_path / "queue.db"))
    storage = _build(app).storage
    assert isinstance(storage, SqliteStorage)
    assert storage.conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL


def test_a_settled_message_is_written_by_one_update(app):
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE outgoing"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        sending.send(CodeRequest("register", "+8613800138000", "s:abc", ip="198.51.100.9"),
                     "zh_CN")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    settling = [s for s in statements if "finished_at" in s or "payload" in s]
    assert len(settling) == 1 and "payload" in settling[0] and "finished_at" in settling[0]


def test_a_message_whose_key_was_removed_fails_with_its_code_not_a_crash(app, monkeypatch):
    from cryptography.fernet import Fernet

    monkeypatch.setattr(outgoing, "hand_over", lambda ids, due_at=None: None)
    sent = send_code()
    row = newest()
    row.payload = Fernet(Fernet.generate_key()).encrypt(b"{}").decode()  # a removed key
    db.session.commit()
    monkeypatch.undo()
    tasks.deliver(row.id)
    row = newest()
    assert (row.status, row.error) == (OUT_FAILED, "secret_unreadable") and attempts() == []
    assert db.session.get(VerificationCode, sent.issued.id).error == "secret_unreadable"


def test_a_queue_that_cannot_be_reached_is_logged_and_left_to_the_sweep(
        app, closed_port, caplog, monkeypatch):
    from core.queue import QueueUnavailable
    from extensions import queue

    # This app's queue only (a second app would rebind the shared limiter too): Redis at a
    # port nobody listens on. monkeypatch puts the inline queue back afterwards.
    monkeypatch.setitem(app.config, "HERALD_QUEUE", "redis")
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setitem(app.extensions, "herald_queue", app.extensions["herald_queue"])
    queue.init_app(app)
    with pytest.raises(QueueUnavailable):
        queue.enqueue(outgoing.DELIVER_TASK, 1)
    outgoing.hand_over([1, 2])  # the rows are safe: logged, not raised
    assert sum("waits for the sweep" in r.getMessage() for r in caplog.records) == 2


def test_the_worker_polls_reports_every_five_minutes_and_prunes_logs_nightly(app, monkeypatch):
    from datetime import datetime

    from extensions import queue
    from services.delivery import status
    from services.logs import retention

    huey = queue.consumable(app)

    def due(hour: int, minute: int) -> set[str]:
        return {task.name for task in huey.read_periodic(datetime(2026, 12, 7, hour, minute))}

    assert due(3, 15) == {"delivery_poll"}
    assert due(3, 17) == {"logs_prune"}
    assert due(3, 16) == set()
    calls = []
    monkeypatch.setattr(retention, "prune", lambda: calls.append("prune") or {})
    monkeypatch.setattr(status, "poll_recent", lambda: calls.append("poll") or {})
    retention.prune_daily()
    status.poll_periodically()
    assert calls == ["prune", "poll"]
