"""Alibaba Cloud SMS (Dysmsapi ``SendSms``, API version 2017-05-25), RPC-style signed.

Signature (Alibaba's "signature mechanism" for RPC APIs, SignatureVersion 1.0): sort every
parameter but ``Signature``, percent-encode names and values (RFC 3986: only
``A-Z a-z 0-9 - _ . ~`` stay as is, so space is ``%20`` and ``*`` is ``%2A``), join them
as ``k=v&...``, then sign ``POST&%2F&`` + percentEncode(that string) with HMAC-SHA1 keyed by
``AccessKeySecret + "&"``, base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from requests import Response

from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure, sign_mismatch
from gateways.http import HttpGateway, endpoint_field, json_or_none
from gateways.phone import digits_number

DEFAULT_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
API_VERSION = "2017-05-25"

# Alibaba's documented SendSms / POP error codes. Retry rules follow from the catalog code
# (gateways.errors.RETRYABLE_ANSWERS): only throttling and provider outages fail over.
ERRORS = {
    # Credentials and clock: rejected by the API gateway before SMS sees the request.
    "SignatureDoesNotMatch": "auth_failed",
    "IncompleteSignature": "auth_failed",
    "InvalidAccessKeyId.NotFound": "auth_failed",
    "InvalidAccessKeyId.Inactive": "auth_failed",
    "Forbidden.RAM": "auth_failed",
    "isp.RAM_PERMISSION_DENY": "auth_failed",
    "isv.ACCOUNT_NOT_EXISTS": "auth_failed",
    "isv.ACCOUNT_ABNORMAL": "auth_failed",
    "InvalidTimeStamp.Expired": "token_failed",  # the server clock is off by > 15 min
    # The key works but is not an SMS account, or a parameter is missing / malformed:
    # the seed's 请求参数不存在 case (the gateway does not match the credentials entered).
    "isv.PRODUCT_UN_SUBSCRIPT": "wrong_channel",
    "isv.PRODUCT_UNSUBSCRIBE": "wrong_channel",
    "isv.INVALID_PARAMETERS": "wrong_channel",
    # Signature (SignName).
    "isv.SMS_SIGNATURE_ILLEGAL": "sign_not_found",  # no approved signature of that name
    "isv.SMS_SIGN_ILLEGAL": "sign_not_found",  # signature banned
    "isv.SIGN_STATE_ILLEGAL": "sign_not_found",  # signature state "unavailable"
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": "sign_mismatch",  # signature type vs template type
    # Template and content.
    "isv.SMS_TEMPLATE_ILLEGAL": "content_rejected",
    "isv.TEMPLATE_MISSING_PARAMETERS": "content_rejected",
    "isv.INVALID_JSON_PARAM": "content_rejected",
    "isv.PARAM_LENGTH_LIMIT": "content_rejected",
    "isv.SMS_CONTENT_ILLEGAL": "content_rejected",
    "isv.BLACK_KEY_CONTROL_LIMIT": "content_rejected",
    # Recipient.
    "isv.MOBILE_NUMBER_ILLEGAL": "invalid_phone",
    "isv.MOBILE_COUNT_OVER_LIMIT": "invalid_phone",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": "invalid_phone",
    # Money.
    "isv.AMOUNT_NOT_ENOUGH": "insufficient_balance",
    "isv.OUT_OF_SERVICE": "insufficient_balance",  # suspended for arrears
    # Throttling: per-number (1/min, 5/h, 10/day) and the account's own daily / monthly caps.
    "isv.BUSINESS_LIMIT_CONTROL": "provider_rate_limited",
    "isv.DAY_LIMIT_CONTROL": "provider_rate_limited",
    "isv.MONTH_LIMIT_CONTROL": "provider_rate_limited",
    "Throttling": "provider_rate_limited",
    "Throttling.": "provider_rate_limited",
    # Provider outage.
    "isp.SYSTEM_ERROR": "unreachable",
    "ServiceUnavailable": "unreachable",
    "InternalError": "unreachable",
}


def percent_encode(value: str) -> str:
    """Alibaba's POP encoding: RFC 3986 unreserved characters only ('~' kept, ' ' -> %20)."""
    return quote(value, safe="~")


def sign(secret: str, params: Mapping[str, str], method: str = "POST") -> tuple[str, str]:
    """The canonicalized query string and its signature."""
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}"
                         for k, v in sorted(params.items()))
    # percentEncode(canonical) by hand: its parts are already encoded, so only '%', '=' and
    # '&' remain to escape, and quote() would walk ~400 characters one by one on every send.
    encoded = canonical.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
    string_to_sign = f"{method}&%2F&{encoded}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return canonical, base64.b64encode(digest).decode()


@register
class AliyunGateway(HttpGateway):
    name = "aliyun"
    channel = "sms"
    label = _l("Alibaba Cloud SMS")
    default_endpoint = DEFAULT_ENDPOINT
    fields = (
        GatewayField("access_key_id", _l("AccessKey ID")),
        GatewayField("access_key_secret", _l("AccessKey secret"), secret=True),
        GatewayField("sign_name", _l("Signature name (SignName)")),
        endpoint_field(DEFAULT_ENDPOINT),
    )

    def _send(self, message: Message) -> SendResult:
        if not message.template_code:
            return SendResult.failed(self.name, "template_number_missing",
                                     raw_message="the SMS template has no TemplateCode")
        canonical, signature = sign(str(self.config["access_key_secret"]),
                                    self._params(message))
        response = self.http(
            "POST", self.endpoint,
            data=f"{canonical}&Signature={percent_encode(signature)}",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return sign_mismatch(self._result(response), str(self.config["sign_name"]))

    def _params(self, message: Message) -> dict[str, str]:
        params = {
            "AccessKeyId": str(self.config["access_key_id"]),
            "Action": "SendSms",
            "Format": "JSON",
            # Mainland numbers go without +86; others as country code + number, no '+'.
            "PhoneNumbers": digits_number(message.to),
            "SignName": str(self.config["sign_name"]),
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": message.template_code,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        if message.params:
            values = {k: str(v) for k, v in message.params.items()}
            params["TemplateParam"] = json.dumps(values, ensure_ascii=False,
                                                 separators=(",", ":"))
        return params

    def _result(self, response: Response) -> SendResult:
        data = json_or_none(response)
        data = data if isinstance(data, dict) else {}
        code = str(data.get("Code") or "")
        if code == "OK":
            return SendResult.sent(self.name, message_id=str(data.get("BizId", "")),
                                   raw_code=code, raw_message=str(data.get("Message", "")))
        # SignatureDoesNotMatch quotes Alibaba's string to sign, TemplateParam (the
        # verification code) included; raw messages are logged, so that part is dropped.
        message = str(data.get("Message", "")).split(" server string to sign is:")[0]
        return provider_failure(self.name, ERRORS, code, message, response.status_code,
                                "" if data else response.text)
