"""The signature and every template number in use, as Alibaba Cloud or Tencent Cloud hold
them: approved, under review or refused with the reviewer's reason, unknown; and an
approved template whose variables differ from the parameters Herald sends."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from gateways.records import MISSING, REFUSED, REVIEWING, SIGN, Record
from services.diagnostics import provider_records
from services.diagnostics.context import Context, GatewayInUse, with_timeout
from services.diagnostics.labels import gateway_name
from services.diagnostics.provider_records import Snapshot, Usage
from services.diagnostics.result import FAIL, OK, WARN, CheckResult, Job
from services.notify import events

CODES = {  # (status, catalog code) per record kind and state
    (SIGN, REVIEWING): (WARN, "sign_reviewing"),
    (SIGN, REFUSED): (FAIL, "sign_refused"),
    (SIGN, MISSING): (FAIL, "sign_not_found"),
    ("template", REVIEWING): (WARN, "template_reviewing"),
    ("template", REFUSED): (FAIL, "template_refused"),
    ("template", MISSING): (FAIL, "template_not_found"),
}


def jobs(context: Context) -> list[Job]:
    checked = [u for u in context.of_channel("sms") if u.name in provider_records.CHECKED
               and u.gateway is not None and not u.gateway.missing_fields()]
    if not checked:
        return []
    found = provider_records.usages()
    codes = provider_records.codes_of(found)
    sign_id = provider_records.sign_id()
    return [_job(used, with_timeout(used.gateway, context.timeout), codes, sign_id, found)
            for used in checked]


def _job(used: GatewayInUse, gateway, codes: list[str], sign_id: str,
         found: list[Usage]) -> Job:
    return Job("records", _title(used), f"sms.{used.name}",
               lambda: provider_records.take(gateway, codes, sign_id),
               lambda snapshot: finish(snapshot, used, found))


def _title(used: GatewayInUse) -> object:
    return _l("Signature and templates at %(gateway)s",
              gateway=gateway_name(used.channel, used.name))


def finish(snapshot: Snapshot, used: GatewayInUse, found: list[Usage]) -> list[CheckResult]:
    """The snapshot as findings, kept for the SMS tab; in the request's thread."""
    provider_records.remember(snapshot)
    return results(snapshot, used, found)


def results(snapshot: Snapshot, used: GatewayInUse, found: list[Usage]) -> list[CheckResult]:
    row = {"family": "records", "target": f"sms.{used.name}",
           "depends_on": (f"sms.{used.name}",)}
    if snapshot.failure is not None:
        failure = snapshot.failure
        return [CheckResult(name=_title(used), status=FAIL, code=failure.error,
                            hint=_l("The provider could not be asked about the signature and "
                                    "the templates."),
                            detail=f"{failure.raw_code}: {failure.raw_message}"[:500], **row)]
    findings = [_sign(snapshot, used, row)]
    users = _users(found)
    approved = 0
    for record in snapshot.templates:
        if record.usable:
            approved += 1
            findings += _mapping(record, used.name, users.get(record.key, []), row)
        else:
            findings.append(_record(record, users.get(record.key, []), row))
    if approved:
        findings.append(CheckResult(name=_l("Approved templates"), status=OK,
                                    hint=_l("%(n)s template numbers in use are approved.",
                                            n=approved), **row))
    return findings


def _sign(snapshot: Snapshot, used: GatewayInUse, row: dict) -> CheckResult:
    configured = str(used.gateway.config.get("sign_name") or "")
    name = _l("Signature %(sign)s", sign=configured)
    record = snapshot.sign
    if record is None:  # Tencent describes a signature only by its id
        return CheckResult(name=name, status=OK, hint=_l(
            "Fill in the signature ID under Global settings → SMS to have the signature "
            "checked too."), **row)
    if record.usable and record.key != configured:
        return CheckResult(name=name, status=WARN, code="sign_mismatch", hint=_l(
            "The signature with this ID is approved as %(approved)s, but %(configured)s is "
            "sent.", approved=record.key, configured=configured), **row)
    if record.usable:
        return CheckResult(name=name, status=OK, hint=_l("Approved by the provider."), **row)
    return _record(record, [], row, name)


def _record(record: Record, users: list[Usage], row: dict, name: object = None) -> CheckResult:
    status, code = CODES[(record.kind, record.status)]
    result = CheckResult(name=name or _l("Template %(code)s", code=record.key), status=status,
                         code=code, **row)
    parts = []
    if record.reason:
        parts.append(str(_l("The provider's reason: %(reason)s", reason=record.reason)))
    if users:
        parts.append(str(_l("Used by: %(events)s", events=_events(users))))
    result.hint = " ".join(parts)
    return result


def _mapping(record: Record, provider: str, users: list[Usage],
             row: dict) -> list[CheckResult]:
    """A finding per event whose parameters differ from the approved template's text."""
    if not record.content:
        return []
    findings = []
    for usage in users:
        problems = _mapping_problems(provider, usage, record.content)
        if problems:
            findings.append(CheckResult(
                name=_l("Template %(code)s", code=record.key), status=FAIL,
                code="template_params_mismatch",
                hint=" ".join(str(p) for p in problems), detail=record.content[:500],
                group=usage.event, group_title=events.get(usage.event).title, **row))
    return _once_per_event(findings)


def _mapping_problems(provider: str, usage: Usage, content: str) -> list:
    from services.templates.provider_params import check_mapping

    return check_mapping(provider, usage.mapping, content, usage.variables)


def _once_per_event(findings: list[CheckResult]) -> list[CheckResult]:
    seen, kept = set(), []
    for finding in findings:  # the same mapping in two languages is one finding
        key = (finding.group, str(finding.hint))
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _users(found: list[Usage]) -> dict[str, list[Usage]]:
    users: dict[str, list[Usage]] = {}
    for usage in found:
        users.setdefault(usage.template_code, []).append(usage)
    return users


def _events(users: list[Usage]) -> str:
    titles = dict.fromkeys(str(events.get(u.event).title) for u in users)
    return ", ".join(titles)
