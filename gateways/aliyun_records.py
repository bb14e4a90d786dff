"""Alibaba Cloud's records of our signature and templates (Dysmsapi 2017-05-25).

``QuerySmsSign`` (SignName) answers ``SignStatus`` 0 reviewing, 1 approved, 2 refused with
the reviewer's ``Reason``; ``QuerySmsTemplate`` (TemplateCode) answers ``TemplateStatus``
with the same values, ``TemplateContent`` ("您的验证码为${code}") and ``Reason``. Alibaba
now lists these single-item forms as superseded by GetSmsSign / GetSmsTemplate, which
answer the status as a string; both shapes are read. Same RPC signature as ``SendSms``
(``gateways.aliyun.sign``). A name or number the account does not have is answered with
an error code, read here as a MISSING record rather than a failed query.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from gateways.aliyun import API_VERSION, ERRORS, AliyunGateway, percent_encode, sign
from gateways.errors import provider_failure
from gateways.http import json_or_none
from gateways.records import (
    APPROVED,
    MISSING,
    REFUSED,
    REVIEWING,
    SIGN,
    TEMPLATE,
    Record,
    asking,
)
from gateways.status import StatusQueryFailed, redacted

STATUS = {"0": REVIEWING, "1": APPROVED, "2": REFUSED}
# "No such signature / template under this account": a finding, not a failed query.
NOT_FOUND = {
    SIGN: frozenset({"isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL",
                     "isv.SIGN_NAME_ILLEGAL"}),
    TEMPLATE: frozenset({"isv.SMS_TEMPLATE_ILLEGAL", "isv.TEMPLATE_NOT_EXIST"}),
}


def query_sign(gateway: AliyunGateway, sign_name: str) -> Record:
    data = _call(gateway, "QuerySmsSign", {"SignName": sign_name}, SIGN)
    if data is None:
        return Record(SIGN, sign_name, MISSING)
    return Record(SIGN, sign_name, _status(data.get("SignStatus")), _reason(data))


def query_template(gateway: AliyunGateway, template_code: str) -> Record:
    data = _call(gateway, "QuerySmsTemplate", {"TemplateCode": template_code}, TEMPLATE)
    if data is None:
        return Record(TEMPLATE, template_code, MISSING)
    return Record(TEMPLATE, template_code, _status(data.get("TemplateStatus")), _reason(data),
                  str(data.get("TemplateContent") or ""))


def _status(value: Any) -> str:
    return STATUS.get(str(value).strip(), REVIEWING)


def _reason(data: dict[str, Any]) -> str:
    # Alibaba fills Reason with "无审批备注" (no remark) on approved items: not a reason.
    return str(data.get("Reason") or "") if _status(
        data.get("SignStatus", data.get("TemplateStatus"))) == REFUSED else ""


def _call(gateway: AliyunGateway, action: str, extra: dict[str, str],
          kind: str) -> dict[str, Any] | None:
    """The answer of ``action``; None when Alibaba says it has no such item."""
    params = {
        "AccessKeyId": str(gateway.config["access_key_id"]),
        "Action": action,
        "Format": "JSON",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": API_VERSION,
        **extra,
    }
    canonical, signature = sign(str(gateway.config["access_key_secret"]), params)
    response = asking(gateway, lambda: gateway.http(
        "POST", gateway.endpoint, data=f"{canonical}&Signature={percent_encode(signature)}",
        headers={"Content-Type": "application/x-www-form-urlencoded"}))
    data = json_or_none(response)
    data = data if isinstance(data, dict) else {}
    code = str(data.get("Code") or "")
    if code == "OK":
        return data
    if code in NOT_FOUND[kind]:
        return None
    message = str(data.get("Message") or "").split(" server string to sign is:")[0]
    raise StatusQueryFailed(redacted(gateway, provider_failure(
        gateway.name, ERRORS, code, message, response.status_code,
        "" if data else response.text)))
