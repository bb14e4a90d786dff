"""The error catalog: every failure a user or admin can meet, with its fix, in zh_CN and en.

Gateways, forms and APIs speak in catalog codes; pages and JSON answers turn a code into
words with :func:`message` and :func:`fix`. The Chinese wording of the seed pages is kept
verbatim where the seed has one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    message_zh: str
    message_en: str
    fix_zh: str
    fix_en: str

    def message(self, locale: str) -> str:
        return self.message_zh if locale.startswith("zh") else self.message_en

    def fix(self, locale: str) -> str:
        return self.fix_zh if locale.startswith("zh") else self.fix_en


_ENTRIES = (
    # --- the seed's cases (SPEC section 4) ---
    CatalogEntry(
        "not_configured",
        "官方接口未配置",
        "The gateway is not configured",
        "在【系统】-【全局设置】-【短信】中填写当前通道的接口信息，并点击【保存设置】。",
        "Fill in the active gateway's credentials under System → Global settings → SMS and "
        "press Save settings.",
    ),
    CatalogEntry(
        "wrong_channel",
        "请求参数不存在",
        "Request parameter does not exist",
        "检查【系统】-【全局设置】-【短信】中选择的通道是否与填写的接口信息一致。",
        "Check that the gateway selected under System → Global settings → SMS matches the "
        "credentials entered.",
    ),
    CatalogEntry(
        "sign_mismatch",
        "签名数据不一致",
        "The signature does not match",
        "核实在短信商处提交的短信签名与【全局设置】-【短信】中设置的短信签名是否一致。",
        "Make the SMS signature in settings equal to the one approved at the provider.",
    ),
    CatalogEntry(
        "sign_not_found",
        "短信签名未找到，请提交签名审核通过后重试",
        "SMS signature not found; submit it for review and retry after approval",
        "登录短信商控制台提交签名进行审核，审核通过后重试。",
        "Submit the signature for review in the provider's console and retry once approved.",
    ),
    CatalogEntry(
        "token_failed",
        "access_token获取失败",
        "Failed to obtain the access_token",
        "确认服务器时间为北京时间（【诊断】显示时间偏差）；检查接口信息、AppId 与签名是否正确；"
        "然后在【系统】-【功能】中清除缓存后重试。",
        "Check the server clock (Diagnostics shows the skew), the API credentials and the "
        "AppId / sign key, then clear the cache under System → Functions and retry.",
    ),
    CatalogEntry(
        "code_limit",
        "发送失败，已达验证码发送上限",
        "Sending failed: the daily verification-code limit was reached",
        "在【全局设置】-【会员】中调整验证码发送次数；在【验证码日志】中检查是否被恶意盗刷，"
        "如有盗刷请开启行为验证码。",
        "Raise the caps in Member settings, check the code log for abuse and turn on the "
        "behaviour captcha if it is being pumped.",
    ),
    CatalogEntry(
        "template_number_missing",
        "模板编号不能为空",
        "The template number must not be empty",
        "在【通知模板】中为该事件的短信模板填写模板编号。",
        "Fill in the template number of that event's SMS template under Notification "
        "templates.",
    ),
    CatalogEntry(
        "unreachable",
        "接口不通",
        "The gateway cannot be reached",
        "在【系统】-【诊断】中运行连通性检查，检查服务器网络、DNS 与防火墙。",
        "Run the connectivity check under System → Diagnostics; check the server's network, "
        "DNS and firewall.",
    ),
    CatalogEntry(
        "timeout",
        "接口响应超时，短信可能已发送",
        "The gateway did not answer in time; the message may have been sent",
        "在短信商处查看发送记录确认是否已发出；如经常超时，请在设置中调大读取超时。",
        "Check the provider's send log before retrying; raise the read timeout in settings if "
        "it happens often.",
    ),
    CatalogEntry(
        "auth_failed",
        "接口鉴权失败",
        "The gateway rejected the credentials",
        "核对 AccessKey / SecretKey / 账号密码是否正确且未被禁用，并确认服务器时间准确。",
        "Check the key, secret or password for typos or revocation, and the server clock.",
    ),
    CatalogEntry(
        "insufficient_balance",
        "短信余额不足",
        "The provider account has insufficient balance",
        "在短信商处充值或购买短信套餐包后重试。",
        "Top up the provider account or buy an SMS package, then retry.",
    ),
    CatalogEntry(
        "invalid_phone",
        "手机号码格式错误或不在允许的国家/地区",
        "The phone number is invalid or not in an allowed country",
        "核对号码；如需发送到其他国家/地区，请在【全局设置】-【会员】中允许该地区。",
        "Check the number; allow its country under Member settings if it should be served.",
    ),
    CatalogEntry(
        "invalid_email",
        "邮箱地址格式错误或被收件服务器拒收",
        "The email address is invalid or was refused by the receiving server",
        "核对邮箱地址是否拼写正确、邮箱是否存在；备注中是邮件服务器返回的原始拒收原因。",
        "Check the address for typos and that the mailbox exists; the remark holds the mail "
        "server's own reason.",
    ),
    CatalogEntry(
        "invalid_openid",
        "微信 OpenID 无效或用户未关注公众号",
        "The WeChat OpenID is invalid or the user does not follow the official account",
        "请会员关注公众号后在会员中心重新绑定微信；并确认该 OpenID 属于【全局设置】-【微信】中"
        "配置的公众号（AppId）。",
        "Ask the member to follow the official account and bind WeChat again in the member "
        "centre; make sure the OpenID belongs to the AppId configured under Global settings → "
        "WeChat.",
    ),
    CatalogEntry(
        "provider_rate_limited",
        "短信商限流，发送过于频繁",
        "The provider throttled the request",
        "稍后重试；在短信商控制台调整频率限制，或检查是否被恶意盗刷。",
        "Retry later; adjust the provider's frequency limits or check for abuse.",
    ),
    CatalogEntry(
        "content_rejected",
        "短信内容或模板未通过审核",
        "The content or template was rejected by the provider",
        "在短信商处提交模板审核，并确认发送内容与已审核模板一致、不含违禁词。",
        "Get the template approved at the provider and make the content match it.",
    ),
    CatalogEntry(
        "unknown",
        "未知错误",
        "Unknown error",
        "查看备注中短信商返回的原始信息，并到短信商处核实配置及业务是否正常开通。",
        "Read the provider's raw answer in the remark and check the account at the provider.",
    ),
    # --- generic failures of Herald's own pages and APIs ---
    CatalogEntry(
        "invalid_input",
        "提交的内容有误",
        "Some fields are invalid",
        "按提示修改标出的字段后重新提交。",
        "Correct the marked fields and submit again.",
    ),
    CatalogEntry(
        "csrf_failed",
        "页面已过期或请求来源无效",
        "The page expired or the request did not come from this site",
        "刷新页面后重新提交。",
        "Reload the page and submit again.",
    ),
    CatalogEntry(
        "bad_request",
        "请求格式错误",
        "The request was malformed",
        "检查请求参数后重试。",
        "Check the request and try again.",
    ),
    CatalogEntry(
        "login_required",
        "请先登录",
        "Please sign in first",
        "登录后再访问该页面。",
        "Sign in, then open the page again.",
    ),
    CatalogEntry(
        "login_failed",
        "用户名或密码错误",
        "Wrong username or password",
        "检查用户名和密码；多次失败后账号会被暂时锁定。",
        "Check the username and password; repeated failures lock the account for a while.",
    ),
    CatalogEntry(
        "forbidden",
        "没有权限执行该操作",
        "You are not allowed to do that",
        "请使用有相应权限的管理员账号。",
        "Use an admin account that holds the required role.",
    ),
    CatalogEntry(
        "not_found",
        "页面不存在",
        "Page not found",
        "检查地址是否正确。",
        "Check the address.",
    ),
    CatalogEntry(
        "rate_limited",
        "操作过于频繁，请稍后再试",
        "Too many requests; please wait and try again",
        "稍等片刻后重试。",
        "Wait a moment and try again.",
    ),
    CatalogEntry(
        "server_error",
        "服务器内部错误",
        "Internal server error",
        "稍后重试；如持续出现，请查看服务器日志。",
        "Try again later; if it persists, read the server log.",
    ),
    CatalogEntry(
        "service_unavailable",
        "服务暂时不可用",
        "The service is temporarily unavailable",
        "检查数据库与 Redis 是否在运行，稍后重试。",
        "Check that the database and Redis are running, then retry.",
    ),
)

_API_ENTRIES = (
    CatalogEntry(
        "request_expired",
        "请求已过期（时间戳与服务器时间相差超过 300 秒）",
        "The request expired (its timestamp is more than 300 s from the server clock)",
        "校准发送方服务器时间（建议开启 NTP 时间同步），并使用当前时间戳重新签名。",
        "Sync the caller's clock (enable NTP) and sign again with the current timestamp.",
    ),
    CatalogEntry(
        "nonce_replayed",
        "请求重复（nonce 已使用）",
        "The request was replayed (its nonce was already used)",
        "每个请求使用新的随机 nonce；重试时也要重新生成 nonce 和签名。",
        "Use a fresh random nonce for every request, retries included, and sign again.",
    ),
    CatalogEntry(
        "client_disabled",
        "接口账号已停用",
        "The API client is disabled",
        "联系上级平台管理员启用该接口账号。",
        "Ask the upstream's admin to enable this API client.",
    ),
)

_ENTRIES = (*_ENTRIES, *_API_ENTRIES)

CATALOG: dict[str, CatalogEntry] = {entry.code: entry for entry in _ENTRIES}


def entry(code: str) -> CatalogEntry:
    """The entry for ``code``; an unknown code falls back to ``unknown``."""
    return CATALOG.get(code, CATALOG["unknown"])


def message(code: str, locale: str | None = None) -> str:
    return entry(code).message(locale or _current_locale())


def fix(code: str, locale: str | None = None) -> str:
    return entry(code).fix(locale or _current_locale())


def _current_locale() -> str:
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return str(locale) if locale else "zh_CN"
    except (RuntimeError, KeyError, AttributeError):
        return "zh_CN"
