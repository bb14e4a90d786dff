"""Tencent Cloud SMS (``SendSms``, API version 2021-01-11), signed with TC3-HMAC-SHA256.

Signature v3 as documented: CanonicalRequest = ``POST\\n/\\n\\n`` + the canonical headers
``content-type`` and ``host`` + ``\\ncontent-type;host\\n`` + hex SHA-256 of the payload;
StringToSign = ``TC3-HMAC-SHA256\\n{timestamp}\\n{date}/sms/tc3_request\\n`` + hex SHA-256
of the CanonicalRequest; the key is derived as HMAC(HMAC(HMAC("TC3" + SecretKey, date),
"sms"), "tc3_request"), and the date is the UTC date of the timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from requests import Response

from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure, sign_mismatch
from gateways.http import HttpGateway, endpoint_field, json_or_none

DEFAULT_ENDPOINT = "https://sms.tencentcloudapi.com/"
API_VERSION = "2021-01-11"
SERVICE = "sms"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
DEFAULT_REGION = "ap-guangzhou"

# Tencent's documented SendSms codes, for the whole request (Response.Error) and for one
# number (SendStatusSet[].Code). A key ending in "." covers the whole family.
ERRORS = {
    "AuthFailure.SignatureExpire": "token_failed",  # the server clock is off by > 5 min
    "AuthFailure.": "auth_failed",  # SignatureFailure, SecretIdNotFound, InvalidSecretId...
    "UnauthorizedOperation.RequestIpNotInWhitelist": "auth_failed",
    "UnauthorizedOperation.RequestPermissionDeny": "auth_failed",
    "UnauthorizedOperation.ServiceSuspendDueToArrears": "insufficient_balance",
    # The SdkAppId does not belong to these keys: the seed's "gateway does not match".
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": "wrong_channel",
    "InvalidParameterValue.SdkAppIdNotExist": "wrong_channel",
    # "Incorrect or unapproved": Tencent cannot tell which. Unapproved is the usual cause
    # and sign_not_found's fix (check the signature's review in the console) covers both.
    # A SignName sent with 【】 or spaces becomes sign_mismatch (gateways.errors).
    "FailedOperation.SignatureIncorrectOrUnapproved": "sign_not_found",
    "FailedOperation.TemplateIncorrectOrUnapproved": "content_rejected",
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": "content_rejected",
    "FailedOperation.ContainSensitiveWord": "content_rejected",
    "InvalidParameterValue.TemplateParameterFormatError": "content_rejected",
    "InvalidParameterValue.TemplateParameterLengthLimit": "content_rejected",
    "InvalidParameterValue.ContentLengthLimit": "content_rejected",
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": "content_rejected",
    "InvalidParameterValue.IncorrectPhoneNumber": "invalid_phone",
    # Opted out or on a carrier's do-not-disturb list: no gateway may message it.
    "FailedOperation.PhoneNumberInBlacklist": "invalid_phone",
    "UnsupportedOperation.UnsupportedRegion": "invalid_phone",
    "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber": "invalid_phone",
    "FailedOperation.InsufficientBalanceInSmsPackage": "insufficient_balance",
    # Per-number (30 s / 1 h / day), per-app and frequency limits. All fail over: another
    # provider can deliver, and Herald's own per-phone caps are the guard against pumping.
    "LimitExceeded.": "provider_rate_limited",
    "RequestLimitExceeded": "provider_rate_limited",
    "RequestLimitExceeded.": "provider_rate_limited",
    # Tencent timed out towards the carrier: the message may still go out.
    "InternalError.Timeout": "timeout",
    "InternalError": "unreachable",
    "InternalError.": "unreachable",
}


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def authorization(secret_id: str, secret_key: str, host: str, payload: bytes,
                  timestamp: int, service: str = SERVICE) -> str:
    """The ``Authorization`` header of a TC3-HMAC-SHA256 signed JSON POST."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical_request = "\n".join([
        "POST", "/", "",
        f"content-type:{CONTENT_TYPE}\nhost:{host.lower()}\n",  # values lower-cased
        "content-type;host",
        hashlib.sha256(payload).hexdigest(),
    ])
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join([
        ALGORITHM, str(timestamp), scope,
        hashlib.sha256(canonical_request.encode()).hexdigest(),
    ])
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return (f"{ALGORITHM} Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}")


def template_values(params: Mapping[str, Any]) -> list[str]:
    """Tencent templates are positional ({1}, {2}...): numeric keys sort by number,
    otherwise the mapping's own order is the template's order."""
    keys = list(params)
    if keys and all(str(k).isdigit() for k in keys):
        keys.sort(key=lambda k: int(k))
    return [str(params[k]) for k in keys]


@register
class TencentGateway(HttpGateway):
    name = "tencent"
    channel = "sms"
    label = _l("Tencent Cloud SMS")
    default_endpoint = DEFAULT_ENDPOINT
    fields = (
        GatewayField("secret_id", _l("SecretId")),
        GatewayField("secret_key", _l("SecretKey"), secret=True),
        GatewayField("sdk_app_id", _l("SMS SdkAppId")),
        GatewayField("sign_name", _l("Signature name (SignName)")),
        GatewayField("region", _l("Region"), required=False, default=DEFAULT_REGION),
        endpoint_field(DEFAULT_ENDPOINT),
    )

    def _send(self, message: Message) -> SendResult:
        if not message.template_code:
            return SendResult.failed(self.name, "template_number_missing",
                                     raw_message="the SMS template has no TemplateId")
        payload = json.dumps(self._body(message), ensure_ascii=False).encode()
        response = self.http("POST", self.endpoint, data=payload,
                             headers=self._headers(payload))
        return sign_mismatch(self._result(response), str(self.config["sign_name"]))

    def _body(self, message: Message) -> dict[str, Any]:
        return {
            "PhoneNumberSet": [message.to],
            "SmsSdkAppId": str(self.config["sdk_app_id"]),
            "SignName": str(self.config["sign_name"]),
            "TemplateId": message.template_code,
            "TemplateParamSet": template_values(message.params),
        }

    def _headers(self, payload: bytes, action: str = "SendSms") -> dict[str, str]:
        """Signed headers for one call; ``action`` also serves gateways.tencent_status."""
        host = urlsplit(self.endpoint).netloc
        timestamp = int(time.time())
        return {
            "Authorization": authorization(str(self.config["secret_id"]),
                                           str(self.config["secret_key"]),
                                           host, payload, timestamp),
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": action,
            "X-TC-Version": API_VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": str(self.config.get("region") or DEFAULT_REGION),
        }

    def _result(self, response: Response) -> SendResult:
        data = json_or_none(response)
        answer = data.get("Response") if isinstance(data, dict) else None
        if not isinstance(answer, dict):
            return provider_failure(self.name, ERRORS, "", "", response.status_code,
                                    response.text)
        error = answer.get("Error")
        if isinstance(error, dict):
            return provider_failure(self.name, ERRORS, str(error.get("Code", "")),
                                    str(error.get("Message", "")), response.status_code)
        statuses = answer.get("SendStatusSet") or [{}]
        status = statuses[0]
        code = str(status.get("Code", ""))
        if code == "Ok":
            return SendResult.sent(self.name, message_id=str(status.get("SerialNo", "")),
                                   raw_code=code, raw_message=str(status.get("Message", "")))
        # The request was fine but this number failed: still a failure.
        return provider_failure(self.name, ERRORS, code, str(status.get("Message", "")),
                                response.status_code, response.text)
