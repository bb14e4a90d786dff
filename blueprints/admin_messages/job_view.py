"""A job as the admin pages show it (job page, jobs list, the notification log's panel):
its state in words, how far it got, who started it and whom it reaches."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core import clock
from extensions import db
from models import Admin, ApiClient
from models.queue import JOB_DONE, JOB_FAILED, JOB_QUEUED, JOB_RUNNING, Job
from services.notify import audience as audiences
from services.notify import progress

# A job's state as the pages name it; the stored status says less (a "done" job may still
# have messages in the queue, a "queued" one may wait for its send time).
SCHEDULED, WAITING, RUNNING, DELIVERING, FINISHED, STOPPED = (
    "scheduled", "waiting", "running", "delivering", "finished", "stopped")


@dataclass(frozen=True)
class JobView:
    job: Job
    state: str
    finished: bool
    percent: int  # members handled, of all it reaches
    started_by: str  # the admin's username or the API client's name; "" for CLI and code
    audience: dict[str, Any]  # the stored audience: {"q": ...}, {"ids": [...]}, {"id": n}

    @property
    def listed(self) -> int:
        return len(self.audience.get("ids", []))


def state_of(job: Job) -> str:
    if job.status == JOB_FAILED:
        return STOPPED
    if job.status == JOB_QUEUED:
        return SCHEDULED if job.due_at > clock.now() else WAITING
    if job.status == JOB_RUNNING:
        return RUNNING
    return DELIVERING if job.status == JOB_DONE and job.pending > 0 else FINISHED


def percent_of(job: Job) -> int:
    if job.total <= 0:
        return 100 if job.status == JOB_DONE else 0
    return min(100, job.done * 100 // job.total)


def views(jobs: list[Job]) -> list[JobView]:
    """The jobs with their starters looked up in two queries, not one per row."""
    admins = _names(Admin, Admin.username, {j.admin_id for j in jobs if j.admin_id})
    client_name = db.func.coalesce(db.func.nullif(ApiClient.name, ""), ApiClient.client_id)
    clients = _names(ApiClient, client_name, {j.api_client_id for j in jobs if j.api_client_id})
    return [JobView(job, state_of(job), progress.finished(job), percent_of(job),
                    admins.get(job.admin_id) or clients.get(job.api_client_id) or "",
                    _audience(job)) for job in jobs]


def view(job: Job) -> JobView:
    return views([job])[0]


def recent_broadcasts(limit: int = 3) -> list[JobView]:
    """The newest jobs that reach many members (the notification log's panel)."""
    return views(list(db.session.scalars(
        db.select(Job).where(Job.audience.in_(audiences.BROADCASTS))
        .order_by(Job.created_at.desc(), Job.id).limit(limit))))


def _names(model: Any, column: Any, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(db.select(model.id, column).where(model.id.in_(ids))).all())


def _audience(job: Job) -> dict[str, Any]:
    try:
        found = json.loads(job.audience_data or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
