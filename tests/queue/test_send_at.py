"""``send_at``: a worker holds an event until its time, then delivers it."""

from __future__ import annotations

import time
from datetime import timedelta

from core import clock
from extensions import db
from models import InsiteMessage
from models.queue import JOB_DONE, JOB_QUEUED, Job
from services.notify import jobs
from tests.notify.conftest import SERVER_VARS, make_member
from tests.queue.rig import fresh

LATER = timedelta(seconds=2)


def test_an_event_sent_at_a_later_time_is_delivered_then_and_not_before(rig):
    rig.start(threads=2)
    member = make_member(phone="+8613800138301", email="later@example.com")
    send_at = clock.whole_second(clock.now()) + LATER  # what the database keeps of a time
    job_id = jobs.notify("server_opened", member, send_at=send_at, **SERVER_VARS).job_id

    def inbox() -> list[InsiteMessage]:
        return list(db.session.scalars(db.select(InsiteMessage).where(
            InsiteMessage.member_id == member.id)))

    # Watched until just before its time: the worker leaves it alone.
    while clock.now() < send_at - timedelta(milliseconds=100):
        fresh()
        assert (db.session.get(Job, job_id).status, inbox()) == (JOB_QUEUED, [])
        time.sleep(0.05)

    job = rig.wait(lambda: (row := db.session.get(Job, job_id)).status == JOB_DONE and row,
                   "the job done after its time")
    [message] = inbox()
    assert message.created_at >= send_at and job.finished_at >= send_at
    assert job.sent >= 1 and job.failed == 0
