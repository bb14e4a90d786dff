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
    balance,
    clock,
    credentials,
    ordering,
    reachability,
    recent,
    records_checks,
    smtp,
    stored_secrets,
    templates,
    wechat,
)
from services.diagnostics.context import Context, gather
from services.diagnostics.result import FAIL, WARN, CheckResult, Group, Job, by_group

MAX_WORKERS = 8
DEADLINE = 8.0  # seconds for all network checks together
FAMILIES = ordering.CAUSAL_ORDER


@dataclass
class Report:
    results: list[CheckResult] = field(default_factory=list)  # every finding, as found

    def by_family(self) -> list[tuple[str, list[Group]]]:
        """Root cause first (``ordering``): each family with a result, failing families
        first; within one, its findings by severity, identical ones merged, those a
        connectivity failure explains collapsed under it; then under their headings (the
        templates' events; a result without a group is a group of its own)."""
        shown = ordering.merge_identical(ordering.collapse(self.results))
        return [(family, by_group(ordering.by_severity([r for r in shown
                                                        if r.family == family])))
                for family in ordering.families(shown)]

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
    for family, provider_jobs in (("records", records_checks.jobs),
                                  ("balance", balance.jobs)):
        try:  # these read the templates and settings here, before the threads start
            network += provider_jobs(context)
        except Exception as exc:
            report.results.append(_crashed(family, exc))
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
    results: list[CheckResult] = []
    for job, future in zip(jobs, futures, strict=True):
        results += _outcome(job, future, deadline)
    return results


def _in_context(app: Flask, job: Job) -> object:
    with app.app_context():
        try:
            return job.run()
        except Exception as exc:
            return _crashed(job.family, exc, job.name)


def _outcome(job: Job, future: concurrent.futures.Future,
             deadline: float) -> list[CheckResult]:
    if not future.done() or future.cancelled():
        return [CheckResult(job.family, job.name, status=FAIL, code="check_timeout",
                            target=job.target, detail=f"not finished after {deadline:.0f} s",
                            duration_ms=deadline * 1000)]
    found = future.result()
    if isinstance(found, CheckResult) or job.finish is None:
        return [found]
    try:
        return job.finish(found)
    except Exception as exc:  # a broken check must not take the page down
        return [_crashed(job.family, exc, job.name)]


def _crashed(family: str, exc: Exception, name: object = None) -> CheckResult:
    return CheckResult(family, name or _l("A check failed to run"), status=FAIL,
                       code="unknown", detail=f"{type(exc).__name__}: {exc}")
