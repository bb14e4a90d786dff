"""Fake Alibaba Cloud ``QuerySendDetails`` beside ``SendSms``: the same signature checks,
then the delivery receipt of a message sent through this fake, in Alibaba's real shape."""

from __future__ import annotations

import hmac
import uuid

from tests.fakes.aliyun import AliyunFake, business_error, error, expected_signature
from tests.fakes.httpserver import Reply, Request

QUERY_COMMON = {"Action": "QuerySendDetails", "Version": "2017-05-25",
                "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "Format": "JSON"}


class AliyunStatusFake(AliyunFake):
    """``receipts[biz_id] = (SendStatus, ErrCode, ReceiveDate)``; unset means waiting (1)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.receipts: dict[str, tuple[int, str, str]] = {}
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        params = request.form()
        if params.get("Action") != "QuerySendDetails":
            return super().__call__(request)
        return self._query(params)

    def _query(self, params: dict[str, str]) -> Reply:
        for name, value in QUERY_COMMON.items():
            if params.get(name) != value:
                return error(f"Missing{name}", f"{name} is mandatory for this action.")
        secret = self.keys.get(params.get("AccessKeyId", ""))
        if secret is None:
            return error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        signature = params.pop("Signature", "")
        if not hmac.compare_digest(signature, expected_signature(secret, params)):
            return error("SignatureDoesNotMatch", "Specified signature is not matched.")
        for name in ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"):
            if not params.get(name):
                return business_error("isv.INVALID_PARAMETERS", f"{name} is mandatory")
        self.queries.append(params)
        return self._details(params)

    def _details(self, params: dict[str, str]) -> Reply:
        rows = []
        for number, sent in enumerate(self.sent, 1):
            biz_id = f"{number:06d}^0"
            if biz_id != params.get("BizId") or sent["PhoneNumbers"] != params["PhoneNumber"]:
                continue
            status, err_code, received = self.receipts.get(biz_id, (1, "", ""))
            rows.append({"ErrCode": err_code or ("DELIVERED" if status == 3 else ""),
                         "TemplateCode": sent["TemplateCode"], "OutId": "",
                         "ReceiveDate": received, "SendDate": "2026-11-23 10:00:00",
                         "PhoneNum": sent["PhoneNumbers"], "Content": "【Herald】...",
                         "SendStatus": status})
        return Reply.json({"TotalCount": len(rows), "Message": "OK", "RequestId":
                           str(uuid.uuid4()).upper(), "Code": "OK",
                           "SmsSendDetailDTOs": {"SmsSendDetailDTO": rows}})
