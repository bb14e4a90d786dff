"""Run every check: local ones (settings, templates, the log) in the request's thread,
network ones in a thread pool under one overall deadline.

Each worker gets the app context (the WeChat token store is the app's cache) but never
touches the database. A check that raises becomes a failed result, and one still running
at the deadline becomes ``check_timeout``: the page always renders.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from services.diagnostics import (
    clock,
    credentials,
    reachability,
    recent,
    smtp,
    stored_secrets,
    templates,
    wechat,
)
from services.diagnostics.context import Context, gather
from services.diagnostics.result import FAIL, WARN, CheckResult, Group, Job, by_group

MAX_WORKERS = 8
DEADLINE = 8.0  # seconds for all network checks together
FAMILIES = ("credentials", "templates", "recent", "reachability", "clock", "wechat", "smtp")


@dataclass
class Report:
    results: list[CheckResult] = field(default_factory=list)

    def by_family(self) -> list[tuple[str, list[Group]]]:
        """Each family with a result, its results under their headings (the templates'
        events; a result without a group is a group of its own, without a heading)."""
        return [(family, by_group([r for r in self.results if r.family == family]))
                for family in FAMILIES if any(r.family == family for r in self.results)]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.status in (FAIL, WARN)]


def run_all(deadline: float = DEADLINE, context: Context | None = None) -> Report:
    context = context or gather()
    report = Report()
    for family, local in (("credentials", credentials.checks),
                          ("credentials", stored_secrets.checks),
                          ("templates", templates.checks), ("recent", recent.checks)):
        report.results += _safe_local(family, local, context)
    network = reachability.jobs(context) + clock.jobs(context) + wechat.jobs(context) + \
        smtp.jobs(context)
    report.results += run_parallel(network, deadline)
    return report


def _safe_local(family: str, check: Callable[[Context], list[CheckResult]],
                context: Context) -> list[CheckResult]:
    try:
        return check(context)
    except Exception as exc:  # a broken check must not take the page down
        return [_crashed(family, exc)]


def run_parallel(jobs: list[Job], deadline: float = DEADLINE) -> list[CheckResult]:
    """Every job's result in order; a job past ``deadline`` seconds is ``check_timeout``."""
    if not jobs:
        return []
    app = current_app._get_current_object()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(jobs)))
    futures = [pool.submit(_in_context, app, job) for job in jobs]
    concurrent.futures.wait(futures, timeout=deadline)
    # Do not wait for stragglers: each has its own socket timeout and ends by itself.
    pool.shutdown(wait=False, cancel_futures=True)
    return [_outcome(job, future, deadline) for job, future in zip(jobs, futures, strict=True)]


def _in_context(app: Flask, job: Job) -> CheckResult:
    with app.app_context():
        try:
            return job.run()
        except Exception as exc:
            return _crashed(job.family, exc, job.name)


def _outcome(job: Job, future: concurrent.futures.Future, deadline: float) -> CheckResult:
    if future.done() and not future.cancelled():
        return future.result()
    return CheckResult(job.family, job.name, status=FAIL, code="check_timeout",
                       target=job.target, detail=f"not finished after {deadline:.0f} s",
                       duration_ms=deadline * 1000)


def _crashed(family: str, exc: Exception, name: object = None) -> CheckResult:
    return CheckResult(family, name or _l("A check failed to run"), status=FAIL,
                       code="unknown", detail=f"{type(exc).__name__}: {exc}")
