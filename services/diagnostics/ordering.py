"""Root cause first: how the Diagnostics page orders what the checks found.

- A connectivity failure of a gateway makes what depends on reaching it moot (its clock,
  its records and balance, its recent answers, the template numbers only it needs): those
  findings are collapsed under the failure instead of being listed beside it.
- Identical findings (same family, status, code, check and hint; only the event or target
  differs) become one entry with a count: twelve events without a template number are one
  finding, not twelve blocks with the same fix.
- Families come in causal order (the network, then credentials and clocks, then what the
  provider holds, then templates and past answers), failing families before warning ones
  before those that are fine.
"""

from __future__ import annotations

from services.diagnostics.result import FAIL, OK, WARN, CheckResult

CAUSAL_ORDER = ("reachability", "credentials", "clock", "wechat", "smtp", "records", "balance",
                "templates", "recent")
SEVERITY = {FAIL: 0, WARN: 1, OK: 2}


def collapse(results: list[CheckResult]) -> list[CheckResult]:
    """``results`` without the findings that a failed connectivity check explains; each of
    those is moved into that check's ``dependents``."""
    roots = [r for r in results if r.family == "reachability" and r.status == FAIL and r.covers]
    kept = []
    for result in results:
        root = _root_of(result, roots)
        if root is None:
            kept.append(result)
        else:
            root.dependents.append(result)
    for root in roots:
        root.dependents = merge_identical(root.dependents)
    return kept


def _root_of(result: CheckResult, roots: list[CheckResult]) -> CheckResult | None:
    if result.status == OK or not result.depends_on or result in roots:
        return None
    down = {gateway for root in roots for gateway in root.covers}
    if not set(result.depends_on) <= down:
        return None
    return next(root for root in roots if set(root.covers) & set(result.depends_on))


def merge_identical(results: list[CheckResult]) -> list[CheckResult]:
    """One entry per identical finding, at the place of its first occurrence; the entry
    lists every occurrence in ``repeats`` (itself first) when there are several."""
    first: dict[tuple, CheckResult] = {}
    merged = []
    for result in results:
        if result.status == OK or not result.code:
            merged.append(result)
            continue
        key = (result.family, result.status, result.code, str(result.name), str(result.hint))
        if key not in first:
            first[key] = result
            merged.append(result)
        elif not first[key].repeats:
            first[key].repeats = [first[key], result]
        else:
            first[key].repeats.append(result)
    for result in merged:
        if result.repeats:
            # The entry stands for several events: it is no longer under one event's heading.
            result.group = ""
    return merged


def families(results: list[CheckResult]) -> list[str]:
    """Every family with a result: failing first, then warning, then fine; causal order
    within each."""
    present = [f for f in CAUSAL_ORDER if any(r.family == f for r in results)]
    present += sorted({r.family for r in results} - set(present))
    return sorted(present, key=lambda f: min(SEVERITY.get(r.status, 2)
                                             for r in results if r.family == f))


def by_severity(results: list[CheckResult]) -> list[CheckResult]:
    """Failures, then warnings, then what is fine; the checks' own order within each."""
    return sorted(results, key=lambda r: SEVERITY.get(r.status, 2))
