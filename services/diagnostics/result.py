"""What every check returns: one :class:`CheckResult`, never an exception."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import format_datetime

OK, WARN, FAIL = "ok", "warn", "fail"
STATUSES = (OK, WARN, FAIL)


@dataclass(frozen=True)
class Step:
    """One timed step of a check, e.g. DNS, TCP or HTTPS of the connectivity check."""

    name: str  # dns | tcp | http | https | connect | starttls | login | token
    ok: bool
    ms: float
    note: str = ""  # data, shown as it is: an address, "HTTP 404", an exception's text
    text: Any = ""  # Herald's own words about the step (a lazy translated string)


@dataclass
class CheckResult:
    family: str  # clock | reachability | credentials | templates | recent | wechat | smtp
    name: Any  # what was checked, for the page (a lazy translated string)
    status: str = OK
    code: str = ""  # catalog code when not OK: its message and fix are shown
    hint: Any = ""  # what exactly to change, specific to this check (translated)
    detail: str = ""  # technical detail: raw provider answer, numbers, URLs
    duration_ms: float = 0.0
    target: str = ""  # the gateway or URL the check is about
    steps: list[Step] = field(default_factory=list)
    group: str = ""  # what it is listed under within its family: a template's event
    group_title: Any = ""  # that group's heading, translated (the event's title)
    # Root cause first (services.diagnostics.ordering): the gateways ("sms.aliyun") this
    # finding is moot without, and the gateways a connectivity check stands for.
    depends_on: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()
    dependents: list[CheckResult] = field(default_factory=list)  # collapsed under this one
    repeats: list[CheckResult] = field(default_factory=list)  # identical findings, this one first

    @property
    def ok(self) -> bool:
        return self.status == OK


@dataclass
class Group:
    """Results listed under one heading; ``key`` "" is a result without a group."""

    key: str
    title: Any
    results: list[CheckResult]


def by_group(results: list[CheckResult]) -> list[Group]:
    """``results`` under their group's heading, groups in order of first appearance.

    A result without a group stays where it is, alone and without a heading, so a family
    whose checks set no group lists exactly as before.
    """
    groups: list[Group] = []
    found: dict[str, Group] = {}
    for result in results:
        if not result.group:
            groups.append(Group("", "", [result]))
        elif result.group in found:
            found[result.group].results.append(result)
        else:
            found[result.group] = Group(result.group, result.group_title, [result])
            groups.append(found[result.group])
    return groups


@dataclass(frozen=True)
class Job:
    """A network check to run in a worker thread; its name serves the timeout result.

    ``finish``, when given, turns what ``run`` returned into results in the request's
    thread (where the database, the cache and the reader's language are at hand).
    """

    family: str
    name: Any
    target: str
    run: Callable[[], Any]
    finish: Callable[[Any], list[CheckResult]] | None = None


def site_time(moment: datetime) -> str:
    """A stored (UTC) moment in the site's time zone; the page names the zone once."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm:ss")


def timed(check: Callable[[], CheckResult]) -> CheckResult:
    """Run ``check`` and fill in its duration."""
    started = time.perf_counter()
    result = check()
    result.duration_ms = (time.perf_counter() - started) * 1000
    return result


def ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
