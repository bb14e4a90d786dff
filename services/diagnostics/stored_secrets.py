"""Stored secrets that no configured key decrypts: the mark of a key removed too early.

Every column the models mark as encrypted is scanned (its newest values, see
``core.rotation.SCAN``). Such a value breaks whatever reads it: an API client's requests
are refused with ``secret_unreadable``, an Outbox row shows "unreadable", a gateway secret
cannot be used. Listed under the credentials family, one result per column affected.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import rotation
from services.diagnostics.context import Context
from services.diagnostics.result import FAIL, OK, CheckResult


def checks(_context: Context) -> list[CheckResult]:
    results = []
    for report in rotation.unreadable():
        if not report.unreadable:
            continue
        keys = ", ".join(map(str, report.unreadable_keys))
        more = "…" if report.unreadable > len(report.unreadable_keys) else ""
        results.append(CheckResult(
            "credentials", _l("Stored secrets in %(column)s", column=report.name),
            status=FAIL, code="secret_unreadable", target=report.name,
            hint=_l("%(n)s values no configured key can read.", n=report.unreadable),
            detail=f"{report.table} rows: {keys}{more}"))
    if not results:
        results.append(CheckResult("credentials", _l("Stored secrets"), status=OK,
                                   detail=_l("Every encrypted value decrypts with "
                                             "HERALD_ENCRYPTION_KEYS.")))
    return results
