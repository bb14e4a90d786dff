"""Server clock against each provider's clock, read from its HTTP ``Date`` header.

Signed APIs refuse requests whose timestamp is off (Tencent 5 minutes, WeChat tokens and
Alibaba 15): skew past 60 s is a warning, past 300 s a failure (SPEC 9; seed 001 case 5
says to check that the server runs on Beijing time first).
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from flask_babel import lazy_gettext as _l

from gateways.errors import result_from_exception
from gateways.http import RedirectRefused, make_session
from services.diagnostics.context import Context
from services.diagnostics.result import FAIL, OK, WARN, CheckResult, Job, Step
from services.diagnostics.targets import Endpoint, endpoint_jobs

WARN_SECONDS = 60
FAIL_SECONDS = 300


def jobs(context: Context) -> list[Job]:
    return endpoint_jobs(context, "clock", _title, check)


def _title(endpoint: Endpoint) -> object:
    return _l("Clock against %(host)s", host=endpoint.host)


def check(endpoint: Endpoint, context: Context, name: object = "") -> CheckResult:
    result = CheckResult("clock", name or endpoint.host, target=endpoint.url,
                         depends_on=endpoint.gateways)
    try:
        provider_time, local_time = _read_date(endpoint.url, context)
    except Exception as exc:
        failure = result_from_exception(endpoint.host, exc)
        result.status, result.code = WARN, "unreachable"
        result.hint = _l("The provider's time could not be read; see the connectivity check.")
        result.detail = f"{failure.raw_code}: {failure.raw_message}"
        return result
    if provider_time is None:
        result.status = WARN
        result.hint = _l("The provider sent no Date header; its time cannot be compared.")
        return result
    return judge(result, local_time - provider_time)


def judge(result: CheckResult, skew: float) -> CheckResult:
    """Fill in status, code and detail for a skew in seconds (server minus provider)."""
    result.detail = f"skew {skew:+.0f} s"
    result.steps.append(Step("skew", abs(skew) <= WARN_SECONDS, 0.0, f"{skew:+.1f} s"))
    if abs(skew) > FAIL_SECONDS:
        result.status, result.code = FAIL, "clock_skew"
    elif abs(skew) > WARN_SECONDS:
        result.status, result.code = WARN, "clock_skew"
    else:
        result.status = OK
    result.hint = _l("Server clock minus provider clock: %(seconds)s seconds.",
                     seconds=f"{skew:+.0f}")
    return result


def _read_date(url: str, context: Context) -> tuple[float | None, float]:
    """(provider epoch seconds from Date, local epoch seconds at the answer's midpoint)."""
    session = make_session(context.allow_private)
    before = time.time()
    try:
        response = session.request("GET", url, timeout=context.timeout)
        headers = response.headers
        response.close()
    except RedirectRefused as exc:  # a redirect still carries the provider's Date
        headers = exc.response.headers
    finally:
        session.close()
    after = time.time()
    date = headers.get("Date")
    if not date:
        return None, (before + after) / 2
    try:
        return parsedate_to_datetime(date).timestamp(), (before + after) / 2
    except (TypeError, ValueError):
        return None, (before + after) / 2
