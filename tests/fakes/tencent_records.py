"""Fake Tencent Cloud ``DescribeSmsTemplateList``, ``DescribeSmsSignList`` and
``SmsPackagesStatistics`` (2021-01-11) beside ``SendSms`` and ``PullSmsSendStatus``: the
TC3 signature verified as for a send, then Tencent's real answer shapes."""

from __future__ import annotations

import re
import uuid

from tests.fakes.httpserver import Reply, Request
from tests.fakes.tencent import error
from tests.fakes.tencent_status import TencentStatusFake

RECORD_ACTIONS = ("DescribeSmsTemplateList", "DescribeSmsSignList", "SmsPackagesStatistics")
HOUR = re.compile(r"\d{10}")  # yyyymmddhh


class TencentRecordsFake(TencentStatusFake):
    """``template_records[id] = (StatusCode, content, ReviewReply)``; ``sign_records[id] =
    (StatusCode, SignName, ReviewReply)``; ``packages``: dicts as ``package`` builds them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.template_records: dict[int, tuple[int, str, str]] = {}
        self.sign_records: dict[int, tuple[int, str, str]] = {}
        self.packages: list[dict] = []
        self.record_queries: list[tuple[str, dict]] = []

    def __call__(self, request: Request) -> Reply:
        action = request.headers.get("x-tc-action")
        if action not in RECORD_ACTIONS:
            return super().__call__(request)
        refused = self._check_auth(request)
        if refused:
            return refused
        if request.headers.get("x-tc-version") != "2021-01-11":
            return error("NoSuchVersion", "The API version does not exist.")
        body = request.json()
        self.record_queries.append((action, body))
        if action == "SmsPackagesStatistics":
            return self._packages(body)
        if body.get("International") not in (0, 1):
            return error("MissingParameter", "The request is missing International.")
        if action == "DescribeSmsTemplateList":
            return self._templates(body.get("TemplateIdSet"))
        return self._signs(body.get("SignIdSet"))

    def _templates(self, ids) -> Reply:
        if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
            return error("InvalidParameterValue", "TemplateIdSet must be a list of integers.")
        found = [{"TemplateId": i, "International": 0, "StatusCode": status,
                  "ReviewReply": reply, "TemplateName": f"template {i}",
                  "CreateTime": 1763600000, "TemplateContent": content}
                 for i in ids if i in self.template_records
                 for status, content, reply in [self.template_records[i]]]
        return Reply.json({"Response": {"DescribeTemplateStatusSet": found,
                                        "RequestId": str(uuid.uuid4())}})

    def _signs(self, ids) -> Reply:
        if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
            return error("InvalidParameterValue", "SignIdSet must be a list of integers.")
        found = [{"SignId": i, "International": 0, "StatusCode": status, "ReviewReply": reply,
                  "SignName": name, "CreateTime": 1763600000}
                 for i in ids if i in self.sign_records
                 for status, name, reply in [self.sign_records[i]]]
        return Reply.json({"Response": {"DescribeSignListStatusSet": found,
                                        "RequestId": str(uuid.uuid4())}})

    def _packages(self, body: dict) -> Reply:
        if body.get("SmsSdkAppId") != self.sdk_app_id:
            return error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.")
        begin, end = str(body.get("BeginTime", "")), str(body.get("EndTime", ""))
        if not (HOUR.fullmatch(begin) and HOUR.fullmatch(end) and begin < end):
            return error("InvalidParameterValue", "BeginTime and EndTime are yyyymmddhh, "
                                                  "EndTime after BeginTime.")
        limit = body.get("Limit")
        if not isinstance(limit, int) or not 1 <= limit <= 500:
            return error("InvalidParameterValue", "Limit must be 1-500.")
        return Reply.json({"Response": {"SmsPackagesStatisticsSet": self.packages[:limit],
                                        "RequestId": str(uuid.uuid4())}})

    def package(self, amount: int, used: int, expires: str = "2099-12-31 23:59:59") -> None:
        number = len(self.packages) + 1
        self.packages.append({
            "PackageCreateTime": "2026-01-01 00:00:00", "PackageCreateUnixTime": 1767196800,
            "PackageEffectiveTime": "2026-01-01 00:00:00",
            "PackageEffectiveUnixTime": 1767196800, "PackageExpiredTime": expires,
            "PackageExpiredUnixTime": 4102415999, "AmountOfPackage": amount,
            "TypeOfPackage": 1, "PackageId": 1000876570 + number, "CurrentUsage": used})
