"""Tencent Cloud's records of our templates, signature and SMS packages (sms 2021-01-11).

- ``DescribeSmsTemplateList`` {TemplateIdSet: [int], International: 0} answers
  ``DescribeTemplateStatusSet`` [{TemplateId, StatusCode, ReviewReply, TemplateContent}]:
  StatusCode 0 approved, 1 reviewing, 2 approved and not yet in effect, -1 refused. An id
  the account does not have is simply absent from the set.
- ``DescribeSmsSignList`` {SignIdSet: [int], International: 0} answers
  ``DescribeSignListStatusSet`` [{SignId, SignName, StatusCode, ReviewReply}]; only the
  sign's id can be asked about, so this needs the optional "signature ID" setting.
- ``SmsPackagesStatistics`` {SmsSdkAppId, Limit, Offset, BeginTime, EndTime (yyyymmddhh,
  Beijing time)} answers ``SmsPackagesStatisticsSet`` [{AmountOfPackage, CurrentUsage,
  PackageExpiredTime}]: what is left is the sum over the packages not yet expired.

Signed like ``SendSms`` (``TencentGateway._headers`` with another action).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from core import clock
from gateways.errors import provider_failure
from gateways.http import json_or_none
from gateways.records import (
    APPROVED,
    MESSAGES,
    MISSING,
    REFUSED,
    REVIEWING,
    SIGN,
    TEMPLATE,
    Balance,
    Record,
    asking,
    decimal,
)
from gateways.status import BEIJING, StatusQueryFailed, beijing_time, redacted
from gateways.tencent import ERRORS, TencentGateway

STATUS = {0: APPROVED, 1: REVIEWING, 2: REVIEWING, -1: REFUSED}
MAX_IDS = 100  # Tencent's cap on one TemplateIdSet
PACKAGE_LIMIT = 500  # packages per statistics call, Tencent's documented maximum
PACKAGE_YEARS = 3  # packages bought further back have expired


def describe_templates(gateway: TencentGateway, template_ids: Iterable[str]) -> list[Record]:
    """One record per id asked about, in order; a non-numeric id cannot exist at Tencent."""
    wanted = list(dict.fromkeys(str(i).strip() for i in template_ids if str(i).strip()))
    numeric = [int(i) for i in wanted if i.isdigit()]
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(numeric), MAX_IDS):
        answer = _call(gateway, "DescribeSmsTemplateList",
                       {"TemplateIdSet": numeric[start:start + MAX_IDS], "International": 0})
        for item in answer.get("DescribeTemplateStatusSet") or []:
            if isinstance(item, dict):
                found[str(item.get("TemplateId"))] = item
    return [_record(TEMPLATE, key, found.get(key)) for key in wanted]


def describe_sign(gateway: TencentGateway, sign_id: str) -> Record:
    """The signature with id ``sign_id``; its key is the name Tencent holds for it."""
    sign_name = str(gateway.config.get("sign_name") or "")
    if not str(sign_id).strip().isdigit():
        return Record(SIGN, sign_name, MISSING)
    answer = _call(gateway, "DescribeSmsSignList",
                   {"SignIdSet": [int(sign_id)], "International": 0})
    items = [i for i in answer.get("DescribeSignListStatusSet") or [] if isinstance(i, dict)]
    if not items:
        return Record(SIGN, sign_name, MISSING)
    return _record(SIGN, str(items[0].get("SignName") or sign_name), items[0])


def package_balance(gateway: TencentGateway) -> Balance:
    """Messages left in the SMS packages that have not expired."""
    now = clock.now().astimezone(BEIJING)
    begin = now - timedelta(days=366 * PACKAGE_YEARS)
    # EndTime must lie before the current hour: the hour that has begun is left out.
    end = now - timedelta(hours=1)
    answer = _call(gateway, "SmsPackagesStatistics", {
        "SmsSdkAppId": str(gateway.config["sdk_app_id"]), "Limit": PACKAGE_LIMIT, "Offset": 0,
        "BeginTime": begin.strftime("%Y%m%d%H"), "EndTime": end.strftime("%Y%m%d%H")})
    left, live = Decimal(0), 0
    for package in answer.get("SmsPackagesStatisticsSet") or []:
        if not isinstance(package, dict) or _expired(package, clock.now()):
            continue
        amount = decimal(package.get("AmountOfPackage")) or Decimal(0)
        used = decimal(package.get("CurrentUsage")) or Decimal(0)
        left += max(Decimal(0), amount - used)
        live += 1
    return Balance(left, MESSAGES, f"{live} packages")


def _expired(package: dict[str, Any], now) -> bool:
    expires = beijing_time(package.get("PackageExpiredTime"))
    return expires is not None and expires <= now


def _record(kind: str, key: str, item: dict[str, Any] | None) -> Record:
    if item is None:
        return Record(kind, key, MISSING)
    try:
        status = STATUS.get(int(item.get("StatusCode")), REVIEWING)
    except (TypeError, ValueError):
        status = REVIEWING
    reason = str(item.get("ReviewReply") or "") if status == REFUSED else ""
    return Record(kind, key, status, reason, str(item.get("TemplateContent") or ""))


def _call(gateway: TencentGateway, action: str, body: dict[str, Any]) -> dict[str, Any]:
    payload = json.dumps(body).encode()
    response = asking(gateway, lambda: gateway.http(
        "POST", gateway.endpoint, data=payload,
        headers=gateway._headers(payload, action=action)))
    data = json_or_none(response)
    answer = data.get("Response") if isinstance(data, dict) else None
    if isinstance(answer, dict) and not isinstance(answer.get("Error"), dict):
        return answer
    error = answer.get("Error") if isinstance(answer, dict) else {}
    raise StatusQueryFailed(redacted(gateway, provider_failure(
        gateway.name, ERRORS, str(error.get("Code", "")), str(error.get("Message", "")),
        response.status_code, response.text)))
