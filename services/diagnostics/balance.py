"""The balance of each SMS gateway in use whose provider reports one, against the
low-balance threshold (``services.delivery.balance`` reads it hourly and alerts)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import settings
from gateways.balance import SUPPORTED
from services.delivery import balance as balances
from services.diagnostics.context import Context, GatewayInUse, with_timeout
from services.diagnostics.labels import gateway_name
from services.diagnostics.result import FAIL, OK, WARN, CheckResult, Job


def jobs(context: Context) -> list[Job]:
    threshold = float(settings.get("sms.balance_low_threshold"))
    found = []
    for used in context.of_channel("sms"):
        gateway = used.gateway
        if used.name in SUPPORTED and gateway is not None and not gateway.missing_fields():
            quick = with_timeout(gateway, context.timeout)
            found.append(Job("balance", _title(used), f"sms.{used.name}",
                             lambda quick=quick: balances.read(quick),
                             lambda reading, used=used: [finish(reading, used, threshold)]))
    return found


def _title(used: GatewayInUse) -> object:
    return _l("Balance of SMS gateway %(gateway)s", gateway=gateway_name("sms", used.name))


def finish(reading: balances.Reading, used: GatewayInUse, threshold: float) -> CheckResult:
    """The reading as a finding, kept for the SMS tab; in the request's thread."""
    balances.remember(reading)
    return judge(reading, used, threshold)


def judge(reading: balances.Reading, used: GatewayInUse, threshold: float) -> CheckResult:
    result = CheckResult("balance", _title(used), target=f"sms.{used.name}",
                         depends_on=(f"sms.{used.name}",))
    if reading.failure is not None:
        failure = reading.failure
        result.status = FAIL if used.role == "active" else WARN
        result.code = failure.error
        result.hint = _l("The balance could not be read.")
        result.detail = f"{failure.raw_code}: {failure.raw_message}"[:500]
        return result
    text = balances.shown(reading.balance)
    result.detail = text
    if reading.low(threshold):
        result.status, result.code = WARN, "balance_low"
        result.hint = _l("%(balance)s left, below the alert threshold of %(threshold)s.",
                         balance=text, threshold=f"{threshold:g}")
        return result
    result.status = OK
    result.hint = _l("%(balance)s left.", balance=text) if threshold <= 0 else _l(
        "%(balance)s left; the alert threshold is %(threshold)s.", balance=text,
        threshold=f"{threshold:g}")
    return result
