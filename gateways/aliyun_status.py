"""Alibaba Cloud ``QuerySendDetails``: the delivery receipt of one message sent by SendSms.

Same RPC signature as ``SendSms`` (``gateways.aliyun.sign``). Parameters: PhoneNumber (as
SendSms took it), BizId (SendSms's answer), SendDate (``yyyyMMdd`` in Beijing time, within
the last 30 days), PageSize and CurrentPage. Each ``SmsSendDetailDTO`` has ``SendStatus``
1 (waiting for the receipt), 2 (failed) or 3 (delivered), ``ErrCode`` (``DELIVERED`` or
the carrier's code, e.g. ``MK:0001``) and ``ReceiveDate`` in Beijing time.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gateways.aliyun import API_VERSION, ERRORS, AliyunGateway, percent_encode, sign
from gateways.errors import provider_failure, result_from_exception
from gateways.http import json_or_none
from gateways.phone import digits_number
from gateways.status import (
    BEIJING,
    DELIVERED,
    SENT,
    UNDELIVERED,
    DeliveryReport,
    StatusQueryFailed,
    beijing_time,
    redacted,
)

SEND_STATUS = {1: SENT, 2: UNDELIVERED, 3: DELIVERED}


def query_send_details(gateway: AliyunGateway, phone: str, biz_id: str,
                       sent_at: datetime) -> DeliveryReport | None:
    """The report for ``biz_id``, or None when Alibaba has no record of it (yet).

    Raises StatusQueryFailed when the query itself fails (credentials, network...).
    """
    params = _params(gateway, phone, biz_id, sent_at)
    canonical, signature = sign(str(gateway.config["access_key_secret"]), params)
    try:
        response = gateway.http("POST", gateway.endpoint,
                                data=f"{canonical}&Signature={percent_encode(signature)}",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    except Exception as exc:  # network trouble becomes a result, as for a send
        raise StatusQueryFailed(redacted(gateway, result_from_exception(gateway.name, exc))) \
            from exc
    data = json_or_none(response)
    data = data if isinstance(data, dict) else {}
    if data.get("Code") != "OK":
        # As for SendSms, SignatureDoesNotMatch quotes the string to sign: drop it.
        message = str(data.get("Message") or "").split(" server string to sign is:")[0]
        raise StatusQueryFailed(redacted(gateway, provider_failure(
            gateway.name, ERRORS, str(data.get("Code") or ""), message,
            response.status_code, "" if data else response.text)))
    return _report(biz_id, _details(data))


def _params(gateway: AliyunGateway, phone: str, biz_id: str,
            sent_at: datetime) -> dict[str, str]:
    return {
        "AccessKeyId": str(gateway.config["access_key_id"]),
        "Action": "QuerySendDetails",
        "BizId": biz_id,
        "CurrentPage": "1",
        "Format": "JSON",
        "PageSize": "10",
        "PhoneNumber": digits_number(phone),
        "SendDate": sent_at.astimezone(BEIJING).strftime("%Y%m%d"),
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": API_VERSION,
    }


def _details(data: dict[str, Any]) -> list[dict[str, Any]]:
    box = data.get("SmsSendDetailDTOs")
    rows = box.get("SmsSendDetailDTO") if isinstance(box, dict) else None
    return [row for row in rows or [] if isinstance(row, dict)]


def _report(biz_id: str, rows: list[dict[str, Any]]) -> DeliveryReport | None:
    if not rows:
        return None
    row = rows[0]  # filtered by BizId: one message, one row
    try:
        status = SEND_STATUS.get(int(row.get("SendStatus")), SENT)
    except (TypeError, ValueError):
        status = SENT
    error = "" if status != UNDELIVERED else str(row.get("ErrCode") or "")
    return DeliveryReport(biz_id, status, error=error,
                          at=beijing_time(row.get("ReceiveDate")) if status == DELIVERED
                          else None, phone=str(row.get("PhoneNum") or ""))
