"""What the providers answered lately: the errors only a real send reveals.

A signature not found (seed 001 case 4), a template number missing (case 8), a token
failure (case 5) and code requests refused at the daily cap (case 6) all show up here
from the last day's log, with the catalog fix, without a new send.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from core import clock
from extensions import db
from models import DeliveryAttempt, VerificationCode
from models.delivery import STATUS_SKIPPED
from services.diagnostics.context import SINKS, Context, GatewayInUse
from services.diagnostics.labels import gateway_name
from services.diagnostics.result import FAIL, OK, WARN, CheckResult, site_time

WINDOW = timedelta(hours=24)
SCAN = 200  # newest attempts read per gateway


def checks(context: Context) -> list[CheckResult]:
    results = [r for used in context.gateways if used.name not in SINKS
               for r in answers(used)]
    refused = code_limit_refusals()
    if refused is not None:
        results.append(refused)
    return results


def answers(used: GatewayInUse) -> list[CheckResult]:
    """The newest answer of the gateway, then the newest of each other error it gave.

    One result per distinct error: a failing admin notice must not hide that member
    codes failed for another reason an hour earlier.
    """
    rows = db.session.scalars(
        db.select(DeliveryAttempt)
        .where(DeliveryAttempt.channel == used.channel, DeliveryAttempt.gateway == used.name,
               DeliveryAttempt.status != STATUS_SKIPPED,
               DeliveryAttempt.created_at >= clock.now() - WINDOW)
        .order_by(DeliveryAttempt.id.desc()).limit(SCAN))
    results, seen = [], set()
    for row in rows:
        if row.error in seen or (seen and not row.error):
            continue
        seen.add(row.error)
        results.append(_answer(used, row))
    return results


def _answer(used: GatewayInUse, row: DeliveryAttempt) -> CheckResult:
    # The gateway's label names its channel too ("Alibaba Cloud SMS", "Log only (no email
    # is sent)").
    result = CheckResult("recent", _l("Answers of %(gateway)s",
                                      gateway=gateway_name(used.channel, used.name)),
                         target=f"{used.channel}.{used.name}",
                         depends_on=(f"{used.channel}.{used.name}",))
    stamp = site_time(row.created_at)
    if row.error:
        result.status, result.code = FAIL, row.error
        result.detail = f"{stamp} · {row.purpose} · {row.raw_code} {row.raw_message}"[:500]
    else:
        result.status, result.detail = OK, f"{stamp} · {row.purpose} · {row.raw_code}"
    return result


def code_limit_refusals() -> CheckResult | None:
    count = db.session.scalar(
        db.select(func.count()).select_from(VerificationCode)
        .where(VerificationCode.error == "code_limit",
               VerificationCode.created_at >= clock.now() - WINDOW)) or 0
    if not count:
        return None
    return CheckResult("recent", _l("Code requests refused at the daily cap"), status=WARN,
                       code="code_limit", detail=str(count),
                       hint=_l("%(n)s code requests were refused at a daily cap in the last "
                               "24 hours.", n=count))
