"""Tencent Cloud ``PullSmsSendStatus`` (2021-01-11): pull the queue of delivery receipts.

Signed like ``SendSms`` (``TencentGateway._headers`` with another action). Body
``{"Limit": 1-100, "SmsSdkAppId": ...}``; the answer's ``PullSmsSendStatusSet`` lists
receipts with ``SerialNo`` (SendSms's id), ``ReportStatus`` ``SUCCESS`` / ``FAIL``,
``Description`` and ``UserReceiveTime`` in Beijing time. Tencent hands each receipt out
once, so the caller must store every receipt it pulls, also those it cannot match yet.
Pulling works only when the SdkAppId's receipts are set to "pull" in Tencent's console.
"""

from __future__ import annotations

import json
from typing import Any

from gateways.errors import provider_failure, result_from_exception
from gateways.http import json_or_none
from gateways.status import (
    DELIVERED,
    UNDELIVERED,
    DeliveryReport,
    StatusQueryFailed,
    beijing_time,
    redacted,
)
from gateways.tencent import ERRORS, TencentGateway

MAX_LIMIT = 100  # Tencent's cap per pull


def pull_send_status(gateway: TencentGateway, limit: int = MAX_LIMIT) -> list[DeliveryReport]:
    """One pull of up to ``limit`` receipts; an empty list means the queue is empty.

    Raises StatusQueryFailed when the pull itself fails.
    """
    body = {"Limit": max(1, min(limit, MAX_LIMIT)),
            "SmsSdkAppId": str(gateway.config["sdk_app_id"])}
    payload = json.dumps(body).encode()
    try:
        response = gateway.http("POST", gateway.endpoint, data=payload,
                                headers=gateway._headers(payload, action="PullSmsSendStatus"))
    except Exception as exc:
        raise StatusQueryFailed(redacted(gateway, result_from_exception(gateway.name, exc))) \
            from exc
    data = json_or_none(response)
    answer = data.get("Response") if isinstance(data, dict) else None
    if not isinstance(answer, dict) or isinstance(answer.get("Error"), dict):
        error = answer.get("Error") if isinstance(answer, dict) else {}
        raise StatusQueryFailed(redacted(gateway, provider_failure(
            gateway.name, ERRORS, str(error.get("Code", "")), str(error.get("Message", "")),
            response.status_code, response.text)))
    return [_report(item) for item in answer.get("PullSmsSendStatusSet") or []
            if isinstance(item, dict) and item.get("SerialNo")]


def _report(item: dict[str, Any]) -> DeliveryReport:
    delivered = str(item.get("ReportStatus", "")).upper() == "SUCCESS"
    description = str(item.get("Description") or "")
    return DeliveryReport(
        str(item["SerialNo"]), DELIVERED if delivered else UNDELIVERED,
        error="" if delivered else description,
        at=beijing_time(item.get("UserReceiveTime")) if delivered else None,
        phone=str(item.get("PhoneNumber") or ""))
