"""Fake Alibaba Cloud Dysmsapi ``SendSms``: verifies the RPC signature as documented.

The signature is recomputed here from Alibaba's documentation, independently of
``gateways.aliyun``, so a gateway bug cannot hide behind the same bug in the fake.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from tests.fakes.httpserver import Reply, Request

HOST_ID = "dysmsapi.aliyuncs.com"
MAX_SKEW = 15 * 60  # seconds Alibaba accepts between Timestamp and its clock
COMMON = {"Action": "SendSms", "Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1",
          "SignatureVersion": "1.0", "Format": "JSON"}


def _encode(value: str) -> str:
    # Alibaba's doc: URL-encode, then '+' -> %20, '*' -> %2A, '%7E' -> '~'.
    return quote(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def string_to_sign(params: dict[str, str], method: str = "POST") -> str:
    query = "&".join(f"{_encode(k)}={_encode(params[k])}" for k in sorted(params))
    return method + "&" + _encode("/") + "&" + _encode(query)


def expected_signature(secret: str, params: dict[str, str], method: str = "POST") -> str:
    text = string_to_sign(params, method)
    digest = hmac.new((secret + "&").encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def error(code: str, message: str, status: int = 400) -> Reply:
    return Reply.json({"RequestId": str(uuid.uuid4()).upper(), "HostId": HOST_ID,
                       "Code": code, "Message": message,
                       "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}"}, status)


def business_error(code: str, message: str = "") -> Reply:
    # SendSms's own failures come back as HTTP 200 with a non-OK Code.
    return Reply.json({"Message": message or code, "RequestId": str(uuid.uuid4()).upper(),
                       "Code": code})


class AliyunFake:
    """Handler for ``FakeServer``; ``force_code`` makes the next sends fail with that code."""

    def __init__(self, keys: dict[str, str], signs: tuple[str, ...] = ("Herald",),
                 check_nonce: bool = True) -> None:
        self.keys = keys  # AccessKeyId -> AccessKeySecret
        self.signs = signs
        self.check_nonce = check_nonce
        self.force_code = ""
        self.nonces: set[str] = set()
        self.sent: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        params = request.form() if request.method == "POST" else {
            k: v[-1] for k, v in request.query.items()}
        refused = self._check_request(request.method, params)
        if refused:
            return refused
        if self.force_code:
            return business_error(self.force_code)
        return self._send(params)

    def _check_request(self, method: str, params: dict[str, str],
                       common: dict[str, str] = COMMON) -> Reply | None:
        """Alibaba's RPC checks: the action's common parameters, the key, the signature, the
        timestamp and the nonce."""
        for name, value in common.items():
            if params.get(name) != value:
                return error(f"Invalid{name}" if name in params else f"Missing{name}",
                             f"{name} is mandatory for this action." if name not in params
                             else f"Specified {name} is not valid.")
        secret = self.keys.get(params.get("AccessKeyId", ""))
        if secret is None:
            return error("InvalidAccessKeyId.NotFound", "Specified access key is not found.",
                         404)
        signature = params.pop("Signature", "")
        if not hmac.compare_digest(signature, expected_signature(secret, params, method)):
            return error("SignatureDoesNotMatch",
                         "Specified signature is not matched with our calculation. server "
                         "string to sign is:" + string_to_sign(params, method))
        return self._check_replay(params)

    def _check_replay(self, params: dict[str, str]) -> Reply | None:
        stamp = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        if abs(datetime.now(UTC).timestamp() - stamp.replace(tzinfo=UTC).timestamp()) > MAX_SKEW:
            return error("InvalidTimeStamp.Expired",
                         "Specified time stamp or date value is expired.")
        nonce = params.get("SignatureNonce", "")
        if self.check_nonce and (not nonce or nonce in self.nonces):
            return error("SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(nonce)
        return None

    def _send(self, params: dict[str, str]) -> Reply:
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return error(f"Missing{name}", f"{name} is mandatory for this action.")
        if not params["PhoneNumbers"].isdigit():
            return business_error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if params["SignName"] not in self.signs:
            return business_error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        self.sent.append(params)
        return Reply.json({"Message": "OK", "RequestId": str(uuid.uuid4()).upper(),
                           "Code": "OK", "BizId": f"{len(self.sent):06d}^0"})
