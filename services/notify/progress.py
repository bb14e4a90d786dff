"""How far a job has got: what the API, the admin pages and the CLI show of it."""

from __future__ import annotations

from typing import Any

from extensions import db
from models.queue import JOB_DONE, JOB_FAILED, Job


def find(job_id: str, api_client_id: int | None = None) -> Job | None:
    """Job ``job_id``; with ``api_client_id``, only a job that client started."""
    if not isinstance(job_id, str) or not job_id.isalnum() or len(job_id) > 32:
        return None
    job = db.session.get(Job, job_id)
    if job is None or (api_client_id is not None and job.api_client_id != api_client_id):
        return None
    return job


def finished(job: Job) -> bool:
    """Every member handled and every queued message settled (or the job refused)."""
    return job.status == JOB_FAILED or (job.status == JOB_DONE and job.pending <= 0)


def as_dict(job: Job) -> dict[str, Any]:
    return {
        "job_id": job.id, "event": job.event, "status": job.status,
        "finished": finished(job), "audience": job.audience,
        "send_at": job.due_at.isoformat(), "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "members": {"done": job.done, "total": job.total},
        "messages": {"sent": job.sent, "failed": job.failed, "skipped": job.skipped,
                     "pending": max(job.pending, 0)},
        **({"error": job.error} if job.error else {}),
    }
