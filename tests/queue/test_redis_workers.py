"""Two worker processes on one Redis queue deliver 200 messages, each exactly once."""

from __future__ import annotations

import secrets

import pytest
import redis

from extensions import db
from gateways.base import Message
from models import DeliveryAttempt, OutboxMessage
from models.queue import OUT_SENT, Outgoing
from services.delivery import outgoing

REDIS_URL = "redis://127.0.0.1:6379/13"
MESSAGES = 200


@pytest.fixture
def redis_rig(make_rig):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"this test needs Redis at {REDIS_URL}: {exc}")
    # A queue of its own: nothing another run left in Redis can reach this test.
    return make_rig(redis_url=REDIS_URL, HERALD_QUEUE="redis",
                    HERALD_QUEUE_NAME=f"herald-test-{secrets.token_hex(4)}",
                    # Nothing here waits on a heartbeat; a slower one leaves a loaded box
                    # more room before a busy worker could look gone to the other.
                    HERALD_WORKER_HEARTBEAT=1.0)


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_two_workers_share_one_redis_queue_and_deliver_each_message_once(redis_rig):
    workers = redis_rig.start(threads=4, count=2)
    ids = [outgoing.add("sms", Message(to=f"+8613900{n:06d}", content=f"message {n}",
                                       purpose="queue_test"))
           for n in range(MESSAGES)]
    db.session.commit()
    outgoing.hand_over(ids)

    redis_rig.wait(lambda: count(Outgoing, Outgoing.status == OUT_SENT) == MESSAGES,
                   f"{MESSAGES} messages sent")
    per_destination = db.session.execute(
        db.select(DeliveryAttempt.destination, db.func.count())
        .group_by(DeliveryAttempt.destination)).all()
    assert len(per_destination) == MESSAGES and {n for _, n in per_destination} == {1}
    assert count(OutboxMessage) == MESSAGES  # the log gateway's copy of each, once
    assert count(Outgoing, Outgoing.tries != 1) == 0
    # Both did their share, and nobody else did.
    claimers = set(db.session.scalars(db.select(Outgoing.claimed_by).distinct()))
    assert {int(name.rsplit(":", 2)[1]) for name in claimers} == {w.pid for w in workers}
