"""Fake Alibaba Cloud ``QuerySmsSign`` / ``QuerySmsTemplate`` beside ``SendSms`` and
``QuerySendDetails``: the RPC signature verified as for a send, then the review state in
Alibaba's real answer shape (SignStatus / TemplateStatus 0 reviewing, 1 approved,
2 refused, with its Reason; an unknown name or code is a business error)."""

from __future__ import annotations

import uuid

from tests.fakes.aliyun import business_error, error
from tests.fakes.aliyun_status import AliyunStatusFake
from tests.fakes.httpserver import Reply, Request

RECORD_ACTIONS = {"QuerySmsSign": "SignName", "QuerySmsTemplate": "TemplateCode"}
COMMON = {"Version": "2017-05-25", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
          "Format": "JSON"}
NO_REMARK = "无审批备注"  # what Alibaba puts in Reason when there is none


class AliyunRecordsFake(AliyunStatusFake):
    """``sign_records[name] = (status, reason)``; ``template_records[code] =
    (status, content, reason)``. Names and codes not listed do not exist."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sign_records: dict[str, tuple[int, str]] = {}
        self.template_records: dict[str, tuple[int, str, str]] = {}
        self.record_queries: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Reply:
        params = request.form()
        if params.get("Action") not in RECORD_ACTIONS:
            return super().__call__(request)
        refused = self._check_request("POST", params, COMMON)
        if refused is not None:
            return refused
        key = params.get(RECORD_ACTIONS[params["Action"]], "")
        if not key:
            return error(f"Missing{RECORD_ACTIONS[params['Action']]}",
                         "The input parameter is mandatory for this action.")
        self.record_queries.append(params)
        if params["Action"] == "QuerySmsSign":
            return self._sign(key)
        return self._template(key)

    def _sign(self, name: str) -> Reply:
        if name not in self.sign_records:
            return business_error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        status, reason = self.sign_records[name]
        return Reply.json({"RequestId": str(uuid.uuid4()).upper(), "SignStatus": status,
                           "Code": "OK", "Message": "OK", "SignName": name,
                           "Reason": reason or NO_REMARK, "CreateDate": "2026-11-20 09:12:40"})

    def _template(self, code: str) -> Reply:
        if code not in self.template_records:
            return business_error("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        status, content, reason = self.template_records[code]
        return Reply.json({"TemplateContent": content, "RequestId": str(uuid.uuid4()).upper(),
                           "TemplateCode": code, "TemplateStatus": status, "Code": "OK",
                           "TemplateType": 0, "Message": "OK", "TemplateName": "验证码",
                           "CreateDate": "2026-11-20 09:15:02",
                           "Reason": reason or NO_REMARK})
