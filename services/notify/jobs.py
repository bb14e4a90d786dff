"""Jobs: one business event for one recipient, a list of members or all of them.

``notify(event, member, **variables)`` and ``notify_all(event, ...)`` check the call at
once (unknown event, variables, member, templates: ``NotifyError`` before anything is
stored), store a job and hand its id to the queue; they never wait for a gateway. The
worker runs the job (:func:`run`): in-site messages and messages to the ``log`` sink are
written in batches of members, each batch committed with the job's cursor, so a job a
killed worker left resumes where it stopped (``sweep``); every message for a provider
becomes an outgoing row the worker delivers on its own (``services.delivery.tasks``).
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update

from core import clock, crypto
from core.queue import QueueUnavailable
from extensions import db, queue
from models import Admin, DeliveryAttempt, InsiteMessage
from models.message import ORIGIN_SMS
from models.queue import (
    JOB_DONE,
    JOB_FAILED,
    JOB_QUEUED,
    JOB_RUNNING,
    KIND_EVENT,
    OUT_QUEUED,
    OUT_SENDING,
    OUT_SENT,
    Job,
    Outgoing,
)
from services.delivery import outgoing, sweep, workers
from services.notify import audience as audiences
from services.notify import dispatch, fanout
from services.notify.dispatch import STATUS_QUEUED, ChannelOutcome, NotifyError
from services.templates import rendering

log = logging.getLogger(__name__)

RUN_TASK = "run_job"
BATCH = fanout.BATCH_SIZE


class Dispatched(list):
    """The channel outcomes of a one-recipient job as they stand (``queued`` until the
    worker is done), and the job's id."""

    def __init__(self, outcomes: list[ChannelOutcome], job_id: str = "") -> None:
        super().__init__(outcomes)
        self.job_id = job_id


def notify(event: str, member: Any, *, send_at: datetime | None = None, origin: str = "python",
           api_client_id: int | None = None, **variables: Any) -> Dispatched:
    """Queue ``event`` for ``member`` (a Member, or an Admin for admin notices) at once or
    at ``send_at``; raise NotifyError when the call itself is wrong."""
    spec = dispatch.business_event(event)
    _check_recipient(member)
    values = dispatch.prepare_variables(spec, variables, member)
    switches = dispatch.event_settings.get(spec.name)
    if not switches.enabled:
        return Dispatched([ChannelOutcome(c, dispatch.STATUS_OFF) for c in spec.channels])
    dispatch.render_all(spec, switches.channels, dispatch.member_locale(member), values)
    kind = audiences.ADMIN if isinstance(member, Admin) else audiences.MEMBER
    job = _store(spec.name, kind, {"id": member.id}, values, send_at, origin, api_client_id,
                 None, total=1)
    return Dispatched(outcomes(job), job.id)


def notify_all(event: str, audience: str, *, member_ids: list[int] | None = None,
               member_filter: dict[str, str] | None = None, variables: dict[str, Any],
               send_at: datetime | None = None, origin: str = "python",
               api_client_id: int | None = None, admin_id: int | None = None) -> Job:
    """Queue ``event`` for every member of an audience (``all``, ``list`` with
    ``member_ids``, ``filter`` with the admin page's ``member_filter``); the job."""
    spec = dispatch.business_event(event)
    values = dispatch.prepare_variables(spec, variables, member=None)
    data = audiences.describe(audience, member_ids, member_filter)
    total = audiences.count(audience, data)
    _check_templates(spec)
    return _store(spec.name, audience, data, values, send_at, origin, api_client_id, admin_id,
                  total=total)


def _check_recipient(member: Any) -> None:
    if member is None:
        raise NotifyError("member_not_found")
    if not getattr(member, "active", True):
        raise NotifyError("member_disabled", f"member {member.id} is disabled")


def _check_templates(spec: Any) -> None:
    """A broadcast's templates are looked up now, in the site's language: a missing one
    refuses the call instead of failing every member."""
    switches = dispatch.event_settings.get(spec.name)
    locale = dispatch.member_locale(None)
    for channel in spec.channels:
        if channel in switches.channels:
            try:
                rendering.template_parts(spec.name, channel, locale)
            except rendering.TemplateMissing as exc:
                raise NotifyError("template_invalid", str(exc)) from exc


def _store(event: str, audience: str, data: dict[str, Any], values: dict[str, str],
           send_at: datetime | None, origin: str, api_client_id: int | None,
           admin_id: int | None, total: int) -> Job:
    now = clock.now()
    job = Job(id=secrets.token_hex(16), created_at=now,
              due_at=clock.whole_second(send_at or now), event=event,
              audience=audience, audience_data=json.dumps(data),
              variables=crypto.encrypt(json.dumps(values, ensure_ascii=False)),
              origin=origin, api_client_id=api_client_id, admin_id=admin_id, total=total,
              status=JOB_QUEUED)
    db.session.add(job)
    db.session.commit()
    _hand_over(job.id, job.due_at)
    db.session.refresh(job)  # the inline queue (tests) may have run it already
    return job


def _hand_over(job_id: str, due_at: datetime | None = None) -> None:
    """Enqueue a stored job; a queue down now is logged, and the sweep hands it over."""
    try:
        queue.enqueue(RUN_TASK, job_id, eta=due_at)
    except QueueUnavailable:
        log.exception("job %s waits for the sweep", job_id)


@queue.task(RUN_TASK)
def run(job_id: str) -> None:
    """Run job ``job_id`` if it is due and nobody runs it (the worker's task)."""
    now = clock.now()
    claimed = db.session.execute(
        update(Job).where(Job.id == job_id, Job.status == JOB_QUEUED, Job.due_at <= now)
        .values(status=JOB_RUNNING, claimed_by=workers.me()))
    db.session.commit()
    if claimed.rowcount != 1:
        return
    job = db.session.get(Job, job_id)
    try:
        if job.audience in (audiences.MEMBER, audiences.ADMIN):
            _run_one(job)
        else:
            _run_many(job)
    except (NotifyError, crypto.SecretUnreadable) as exc:
        db.session.rollback()
        code, detail = (exc.code, exc.detail) if isinstance(exc, NotifyError) else \
            ("secret_unreadable", "the job's variables")
        job = db.session.get(Job, job_id)
        job.status, job.error, job.detail = JOB_FAILED, code, detail[:2000]
        job.finished_at = clock.now()
        db.session.commit()


def _run_one(job: Job) -> None:
    recipient = audiences.recipient(job.audience, json.loads(job.audience_data))
    _check_recipient(recipient)
    spec = dispatch.business_event(job.event)
    found, queued = dispatch.deliver_to(spec, recipient, _values(job), job.id)
    job.detail = json.dumps([asdict(o) for o in found])
    for outcome in found:
        _count(job, outcome.status)
    job.done, job.cursor = 1, recipient.id
    _finish(job, queued)


def _run_many(job: Job) -> None:
    spec = dispatch.business_event(job.event)
    summary = fanout.FanoutSummary()
    batch = fanout.Fanout(spec, _values(job), summary, job_id=job.id)
    data = json.loads(job.audience_data)
    while True:
        members = audiences.page(job.audience, data, after=job.cursor, limit=BATCH)
        if not members:
            break
        before = summary.counts.copy()
        for member in members:
            batch.add(fanout.Recipient.of(member))
        for (_channel, status), n in (summary.counts - before).items():
            _count(job, status, n)
        job.cursor, job.done = members[-1].id, job.done + len(members)
        outgoing.hand_over(batch.commit())  # the job's row commits with the batch
    _finish(job, [])


def _count(job: Job, status: str, n: int = 1) -> None:
    if status == STATUS_QUEUED:
        job.pending += n
    elif status in ("sent", "failed", "skipped"):
        setattr(job, status, getattr(job, status) + n)


def _finish(job: Job, queued: list[int]) -> None:
    job.status, job.finished_at = JOB_DONE, clock.now()
    db.session.commit()
    outgoing.hand_over(queued)


def _values(job: Job) -> dict[str, str]:
    return json.loads(crypto.decrypt(job.variables))


@outgoing.on_settled(KIND_EVENT)
def _settled(outcome: outgoing.Settled) -> None:
    """A queued event message ended: its job's counters, and the SMS's in-site copy."""
    row, sent = outcome.row, outcome.status == OUT_SENT
    copy = (outcome.extra or {}).get("copy")
    if sent and copy:
        message, _extra = outgoing.message_of(row)
        db.session.add(InsiteMessage(member_id=copy["member_id"], title=copy["title"],
                                     body=message.content, origin_channel=ORIGIN_SMS,
                                     origin_event=row.purpose, in_inbox=copy["in_inbox"]))
    if row.job_id:
        column = "sent" if sent else "failed"
        db.session.execute(_SETTLE[column], {"job_id": row.job_id})


_JOBS = Job.__table__
_SETTLE = {column: _JOBS.update().where(_JOBS.c.id == bindparam("job_id")).values(
    {"pending": _JOBS.c.pending - 1, column: _JOBS.c[column] + 1})
    for column in ("sent", "failed")}


def outcomes(job: Job) -> list[ChannelOutcome]:
    """A one-recipient job's channels as they stand: queued ones read from their rows."""
    stored = [ChannelOutcome(**o) for o in json.loads(job.detail or "[]")]
    if not any(o.status == STATUS_QUEUED for o in stored):
        return stored
    rows = {r.channel: r for r in db.session.scalars(
        db.select(Outgoing).where(Outgoing.job_id == job.id))}
    return [_current(o, rows.get(o.channel)) for o in stored]


def _current(outcome: ChannelOutcome, row: Outgoing | None) -> ChannelOutcome:
    if outcome.status != STATUS_QUEUED or row is None or row.status in (OUT_QUEUED, OUT_SENDING):
        return outcome
    attempt = db.session.get(DeliveryAttempt, row.attempt_id) if row.attempt_id else None
    return ChannelOutcome(outcome.channel, "sent" if row.status == OUT_SENT else "failed",
                          outcome.destination, row.error, attempt.gateway if attempt else "")


@sweep.also
def resume_jobs() -> None:
    """Give the queue again the jobs it lost, and the ones a stopped worker was running
    (they resume after their last committed batch)."""
    for job in db.session.scalars(db.select(Job).where(Job.status == JOB_RUNNING)):
        if workers.gone(job.claimed_by):
            job.status, job.claimed_by = JOB_QUEUED, ""
    db.session.commit()
    before = sweep.lost_before()
    if before is None:
        return
    ids = list(db.session.scalars(db.select(Job.id).where(
        Job.status == JOB_QUEUED, Job.due_at <= before).limit(sweep.BATCH)))
    db.session.rollback()
    for job_id in ids:
        _hand_over(job_id)
