"""WeChat access_token fetch (seed 001 case 5, access_token获取失败).

A real fetch, not the cached token: only a fetch proves the AppId, AppSecret and IP
whitelist. The new token replaces the cached one, as a renewal would.
"""

from __future__ import annotations

import time

from flask_babel import lazy_gettext as _l

from gateways.wechat import TokenFailed, WechatMpGateway
from services.diagnostics.context import Context
from services.diagnostics.result import FAIL, OK, CheckResult, Job, Step, ms_since, timed


def jobs(context: Context) -> list[Job]:
    found = []
    for used in context.of_channel("wechat"):
        gateway = used.gateway
        if isinstance(gateway, WechatMpGateway) and not gateway.missing_fields():
            found.append(Job("wechat", _l("WeChat access_token fetch"), used.name,
                             lambda gateway=gateway: timed(lambda: check(gateway))))
    return found


def check(gateway: WechatMpGateway) -> CheckResult:
    result = CheckResult("wechat", _l("WeChat access_token fetch"),
                         target=str(gateway.config.get("app_id", "")),
                         depends_on=(f"wechat.{gateway.name}",))
    started = time.perf_counter()
    try:
        cached = gateway.store.get(gateway.token_key)
        token = gateway.token(rejected=str(cached or ""))
    except TokenFailed as exc:
        failure = exc.result
        result.steps.append(Step("token", False, ms_since(started), failure.raw_code))
        result.status, result.code = FAIL, "token_failed"
        result.detail = f"{failure.raw_code}: {failure.raw_message}"
        result.hint = _l("Compare the server clock with the clock check above, then check the "
                         "AppId, AppSecret and the IP whitelist of the official account.")
        return result
    result.steps.append(Step("token", True, ms_since(started),
                             text=_l("%(n)s characters", n=len(token))))
    result.status = OK
    return result
