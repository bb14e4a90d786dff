"""Fake Tencent Cloud ``PullSmsSendStatus`` beside ``SendSms``: the same TC3 signature
check, then the queued receipts in Tencent's real shape, each handed out once."""

from __future__ import annotations

import uuid

from tests.fakes.httpserver import Reply, Request
from tests.fakes.tencent import TencentFake, error


class TencentStatusFake(TencentFake):
    """``receipts`` is the queue: dicts as Tencent returns them (see ``receipt``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.receipts: list[dict] = []
        self.pulls = 0

    def __call__(self, request: Request) -> Reply:
        if request.headers.get("x-tc-action") != "PullSmsSendStatus":
            return super().__call__(request)
        refused = self._check_auth(request)
        if refused:
            return refused
        body = request.json()
        if body.get("SmsSdkAppId") != self.sdk_app_id:
            return error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.")
        limit = int(body.get("Limit") or 0)
        if not 1 <= limit <= 100:
            return error("InvalidParameterValue", "Limit must be 1-100.")
        self.pulls += 1
        batch, self.receipts = self.receipts[:limit], self.receipts[limit:]
        return Reply.json({"Response": {"PullSmsSendStatusSet": batch,
                                        "RequestId": str(uuid.uuid4())}})

    def receipt(self, serial_no: str, phone: str, ok: bool, description: str = "") -> None:
        self.receipts.append({
            "UserReceiveTime": "2026-11-23 18:00:05" if ok else None,
            "CountryCode": "86", "SubscriberNumber": phone.removeprefix("+86"),
            "PhoneNumber": phone, "SerialNo": serial_no,
            "ReportStatus": "SUCCESS" if ok else "FAIL",
            "Description": description or ("用户接收成功" if ok else "DB:0141 黑名单"),
            "SessionContext": ""})
