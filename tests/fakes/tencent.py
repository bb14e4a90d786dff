"""Fake Tencent Cloud SMS ``SendSms`` (2021-01-11): verifies TC3-HMAC-SHA256 as documented.

The Authorization header is recomputed from the request as received (its Host and
Content-Type headers, its body, X-TC-Timestamp), independently of ``gateways.tencent``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import uuid
from datetime import UTC, datetime

from tests.fakes.httpserver import Reply, Request

MAX_SKEW = 300  # seconds: "Timestamp and server time cannot differ by more than 5 minutes"
AUTH = re.compile(r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>[\d-]+)/sms/tc3_request, "
                  r"SignedHeaders=(?P<signed>[a-z;-]+), Signature=(?P<sig>[0-9a-f]{64})")


def _sign(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def expected_signature(secret_key: str, request: Request, date: str, signed: str) -> str:
    names = signed.split(";")
    canonical_headers = "".join(f"{n}:{request.headers.get(n, '').strip().lower()}\n"
                                for n in names)
    canonical_request = (f"POST\n/\n\n{canonical_headers}\n{signed}\n"
                         + hashlib.sha256(request.body).hexdigest())
    string_to_sign = ("TC3-HMAC-SHA256\n" + request.headers.get("x-tc-timestamp", "") + "\n"
                      + f"{date}/sms/tc3_request\n"
                      + hashlib.sha256(canonical_request.encode("utf-8")).hexdigest())
    secret_date = _sign(("TC3" + secret_key).encode("utf-8"), date)
    secret_signing = _sign(_sign(secret_date, "sms"), "tc3_request")
    return hmac.new(secret_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def error(code: str, message: str) -> Reply:
    # Tencent answers HTTP 200 even for errors; the error is inside Response.
    return Reply.json({"Response": {"Error": {"Code": code, "Message": message},
                                    "RequestId": str(uuid.uuid4())}})


class TencentFake:
    """Handler for ``FakeServer``. ``force_code`` fails the number with that code
    (inside SendStatusSet); ``force_error`` fails the whole request (Response.Error)."""

    def __init__(self, keys: dict[str, str], sdk_app_id: str = "1400006666",
                 signs: tuple[str, ...] = ("Herald",)) -> None:
        self.keys = keys  # SecretId -> SecretKey
        self.sdk_app_id = sdk_app_id
        self.signs = signs
        self.force_code = ""
        self.force_error = ""
        self.sent: list[dict] = []

    def __call__(self, request: Request) -> Reply:
        refused = self._check_auth(request) or self._check_action(request)
        if refused:
            return refused
        if self.force_error:
            return error(self.force_error, f"forced {self.force_error}")
        return self._send(request.json())

    def _check_auth(self, request: Request) -> Reply | None:
        match = AUTH.fullmatch(request.headers.get("authorization", ""))
        if not match or match["signed"] != "content-type;host":
            return error("AuthFailure.InvalidAuthorization",
                         "Authorization in the request header is invalid.")
        if match["id"] not in self.keys:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = int(request.headers.get("x-tc-timestamp", "0"))
        if abs(time.time() - timestamp) > MAX_SKEW:
            return error("AuthFailure.SignatureExpire", "Signature expired.")
        date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        expected = expected_signature(self.keys[match["id"]], request, date, match["signed"])
        if match["date"] != date or not hmac.compare_digest(expected, match["sig"]):
            return error("AuthFailure.SignatureFailure",
                         "The provided credentials could not be validated. "
                         "Please check your signature is correct.")
        return None

    def _check_action(self, request: Request) -> Reply | None:
        if request.headers.get("x-tc-action") != "SendSms":
            return error("InvalidAction", "The action does not exist.")
        if request.headers.get("x-tc-version") != "2021-01-11":
            return error("NoSuchVersion", "The API version does not exist.")
        if not request.headers.get("x-tc-region"):
            return error("MissingParameter", "The request is missing the region.")
        return None

    def _send(self, body: dict) -> Reply:
        if body.get("SmsSdkAppId") != self.sdk_app_id:
            return error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.")
        if body.get("SignName") not in self.signs:
            return self._status(body, "FailedOperation.SignatureIncorrectOrUnapproved",
                                "signature format error or signature not approved")
        if self.force_code:
            return self._status(body, self.force_code, f"forced {self.force_code}")
        phone = body["PhoneNumberSet"][0]
        if not re.fullmatch(r"\+\d{6,15}", phone):
            return self._status(body, "InvalidParameterValue.IncorrectPhoneNumber",
                                "incorrect number format")
        self.sent.append(body)
        return self._status(body, "Ok", "send success")

    def _status(self, body: dict, code: str, message: str) -> Reply:
        status = {"SerialNo": f"5000:{uuid.uuid4().int % 10**28}" if code == "Ok" else "",
                  "PhoneNumber": body["PhoneNumberSet"][0], "Fee": int(code == "Ok"),
                  "SessionContext": "", "Code": code, "Message": message, "IsoCode": "CN"}
        return Reply.json({"Response": {"SendStatusSet": [status],
                                        "RequestId": str(uuid.uuid4())}})
