"""The delivery queue's own records: messages waiting to go out, jobs, and the workers.

Huey carries only ids; these rows carry the state, so a lost queue entry or a killed
worker never loses a message, and a claim (``queued`` → ``sending``, one conditional
UPDATE) decides which copy of a task may send it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from extensions import db
from models.base import UTCDateTime

# An outgoing message's life: queued → sending → sent | failed | outcome_unknown.
OUT_QUEUED = "queued"
OUT_SENDING = "sending"
OUT_SENT = "sent"
OUT_FAILED = "failed"
OUT_UNKNOWN = "outcome_unknown"  # the worker died while the provider had it
OUT_STATUSES = (OUT_QUEUED, OUT_SENDING, OUT_SENT, OUT_FAILED, OUT_UNKNOWN)

# What a message is for; each kind's room settles its consequences (services/delivery/outgoing).
KIND_CODE = "code"  # a verification code (the payload holds it: encrypted)
KIND_EVENT = "event"  # a business event, part of a job
KIND_RESELLER = "reseller"  # a reseller's POST /api/sms/send
KIND_MESSAGE = "message"  # anything else: no room to tell

# A job: one event for one or many members.
JOB_QUEUED = "queued"
JOB_RUNNING = "running"
JOB_DONE = "done"
JOB_FAILED = "failed"  # stopped by a template or settings problem; ``error`` says which
JOB_STATUSES = (JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED)


class Outgoing(db.Model):
    """One message to deliver on one channel, from the request that asked until its end."""

    __tablename__ = "outgoing"
    __table_args__ = (
        # The sweep and the health figures read the oldest due row of one status.
        Index("ix_outgoing_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # No try after this: a code that can no longer arrive in time.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=OUT_QUEUED)
    kind: Mapped[str] = mapped_column(String(16), default=KIND_MESSAGE)
    channel: Mapped[str] = mapped_column(String(16))
    destination: Mapped[str] = mapped_column(String(254))
    purpose: Mapped[str] = mapped_column(String(64), default="")
    # Fernet token of the message (it may hold a code)
    payload: Mapped[str] = mapped_column(Text, info={"encrypted": True})
    tries: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str] = mapped_column(String(96), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str] = mapped_column(String(40), default="")
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_attempts.id", ondelete="SET NULL"), nullable=True)
    code_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_codes.id", ondelete="CASCADE"), nullable=True, index=True)
    job_id: Mapped[str | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="CASCADE"), nullable=True, index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), nullable=True)
    api_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="SET NULL"), nullable=True)


class Job(db.Model):
    """One event for one member, a list of members or all of them; its progress."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_due", "status", "due_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: the job id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=JOB_QUEUED)
    event: Mapped[str] = mapped_column(String(64))
    # "member" (one), "list" (ids), "all" or "filter" (the admin page's member filter)
    audience: Mapped[str] = mapped_column(String(16))
    audience_data: Mapped[str] = mapped_column(Text, default="")  # JSON: ids or the filter
    # Fernet token of a JSON object
    variables: Mapped[str] = mapped_column(Text, default="", info={"encrypted": True})
    origin: Mapped[str] = mapped_column(String(16), default="")  # python, cli, api, admin
    api_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_clients.id", ondelete="SET NULL"), nullable=True)
    admin_id: Mapped[int | None] = mapped_column(
        ForeignKey("admins.id", ondelete="SET NULL"), nullable=True)
    claimed_by: Mapped[str] = mapped_column(String(96), default="")
    cursor: Mapped[int] = mapped_column(default=0)  # the last member id handled
    total: Mapped[int] = mapped_column(default=0)  # members it reaches
    done: Mapped[int] = mapped_column(default=0)  # members handled
    sent: Mapped[int] = mapped_column(default=0)  # messages, every channel
    failed: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    pending: Mapped[int] = mapped_column(default=0)  # messages handed to the queue, not done
    error: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class WorkerBeat(db.Model):
    """A running worker process and when it last said so (Diagnostics, the banner)."""

    __tablename__ = "worker_beats"

    id: Mapped[str] = mapped_column(String(96), primary_key=True)  # host:pid:token
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column()
    threads: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
