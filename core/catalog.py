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
        "在【系统】-【全局设置】对应渠道（短信、邮箱或微信）的选项卡中填写当前通道的接口信息，"
        "并点击【保存设置】。",
        "Fill in the active gateway's credentials on its tab (SMS, Email or WeChat) under "
        "System → Global settings and press Save settings.",
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
        "请求已过期（时间戳与服务器时间相差过大）",
        "The request expired (its timestamp is too far from the server clock)",
        "校准发送方服务器时间（建议开启 NTP 时间同步），并使用当前时间戳重新签名；允许的偏差"
        "（默认 300 秒）在接收方的【系统】-【全局设置】-【接口】中设置，detail 中给出了实际偏差。",
        "Sync the caller's clock (enable NTP) and sign again with the current timestamp; the "
        "allowed difference (300 s by default) is set under System → Global settings → API "
        "on the receiving Herald, and the detail gives the actual one.",
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
    CatalogEntry(
        "api_disabled",
        "API 已关闭",
        "This API is switched off",
        "请接收方管理员在【系统】-【全局设置】-【接口】中开启该 API 并保存后重试；未发送任何消息。"
        "下级平台的短信会改由备用短信通道发送（如已设置）。",
        "Ask the receiving Herald's admin to turn this API on under System → Global settings "
        "→ API and save, then retry; nothing was sent. A downstream Herald sends its SMS "
        "through its fallback gateway, if it has one.",
    ),
    CatalogEntry(
        "ip_not_allowed",
        "请求来源 IP 不在允许列表中",
        "The caller's IP address is not allowed",
        "请接收方管理员在【系统】-【全局设置】-【接口】的“允许调用的 IP 地址”中加入调用方服务器的"
        "出口 IP（detail 中给出了对方看到的地址）；接收方位于反向代理之后时还需设置 "
        "HERALD_PROXY_COUNT。",
        "Ask the receiving Herald's admin to add the calling server's outgoing address (the "
        "detail shows the address it saw) to Allowed caller addresses under System → Global "
        "settings → API; behind a reverse proxy it must also set HERALD_PROXY_COUNT.",
    ),
)

# The reseller API (POST /api/sms/send): written for the downstream admin who reads them,
# since the upstream gateway hands them on unchanged.
_RESELLER_ENTRIES = (
    CatalogEntry(
        "quota_exhausted",
        "短信额度已用完",
        "The message quota is used up",
        "请上级平台管理员在【网站】-【代理客户】中为该会员ID增加短信额度后重试。",
        "Ask the upstream's admin to add quota to this member ID (Site → Reseller clients), "
        "then retry.",
    ),
    CatalogEntry(
        "template_not_allowed",
        "该模板编号未对此会员ID开放",
        "This template number is not allowed for this member ID",
        "在短信模板中改用已开放的模板编号，或请上级平台管理员为该会员ID开放此模板。",
        "Use a template number this member ID may use, or ask the upstream's admin to allow "
        "this one.",
    ),
    CatalogEntry(
        "unknown_template",
        "模板编号不存在或已停用",
        "The template number does not exist or is disabled",
        "核对短信模板中填写的模板编号是否与上级平台公布的代理模板编号一致。",
        "Check that the SMS template's template number is one the upstream publishes for "
        "resellers.",
    ),
    CatalogEntry(
        "template_params_invalid",
        "模板参数缺失或格式错误",
        "Template parameters are missing or malformed",
        "按上级模板的变量提供全部参数（字符串或数字，每个不超过 200 个字符，不含控制字符）；"
        "在【通知模板】中检查该短信模板的参数映射。",
        "Give every variable of the upstream template (text or numbers, at most 200 characters "
        "each, no control characters); check the SMS template's parameter mapping.",
    ),
    CatalogEntry(
        "idempotency_key_reused",
        "幂等键已用于另一个不同的请求",
        "The idempotency key was already used for a different request",
        "每条新短信使用新的幂等键；只有重试同一请求时才重复使用原来的幂等键。",
        "Use a new idempotency key for every new message; repeat a key only to retry the same "
        "request.",
    ),
    CatalogEntry(
        "request_in_progress",
        "相同幂等键的请求正在处理中",
        "A request with the same idempotency key is still being processed",
        "稍等几秒后用相同的幂等键重试，即可取得第一次请求的结果。",
        "Wait a few seconds and retry with the same idempotency key to get the first answer.",
    ),
)

# Notification templates and event dispatch (notify(), the CLI, POST /api/events).
_NOTIFY_ENTRIES = (
    CatalogEntry(
        "unknown_event",
        "事件不存在",
        "Unknown event",
        "使用【系统】-【通知模板】中列出的事件名（如 server_opened）；验证码场景由验证码服务发送，"
        "不能通过事件接口触发。",
        "Use an event name listed under System → Notification templates (e.g. server_opened); "
        "verification-code scenes are sent by the code service, not as events.",
    ),
    CatalogEntry(
        "missing_variables",
        "缺少事件变量",
        "Event variables are missing",
        "按【通知模板】中该事件的变量列表提供全部变量后重试；未发送任何消息。",
        "Give every variable the event lists under Notification templates and retry; nothing "
        "was sent.",
    ),
    CatalogEntry(
        "unknown_variables",
        "包含该事件不支持的变量",
        "The event does not have some of the variables given",
        "去掉该事件变量列表中没有的变量（注意拼写）后重试；未发送任何消息。",
        "Remove the variables the event does not list (check the spelling) and retry; nothing "
        "was sent.",
    ),
    CatalogEntry(
        "member_not_found",
        "会员不存在",
        "Member not found",
        "核对会员ID、手机号（E.164 格式，如 +8613800138000）或邮箱是否正确。",
        "Check the member ID, phone (E.164, e.g. +8613800138000) or email address.",
    ),
    CatalogEntry(
        "member_disabled",
        "会员已被禁用",
        "The member is disabled",
        "在【网站】-【会员】中启用该会员后再发送通知。",
        "Enable the member under Site → Members before notifying them.",
    ),
    CatalogEntry(
        "template_invalid",
        "模板有误，已拒绝保存",
        "The template is invalid and was not saved",
        "按提示的行号和原因修改模板：只能使用该事件列出的变量和简单的过滤器，不能访问属性、调用函数"
        "或做运算。",
        "Fix the template at the line given: use only the event's listed variables and simple "
        "filters, no attribute access, calls or arithmetic.",
    ),
    CatalogEntry(
        "no_destination",
        "会员未绑定该渠道，已跳过",
        "Skipped: the member has no address on this channel",
        "不是故障：会员未绑定手机、邮箱或微信。如需通过该渠道通知，请会员在会员中心绑定。",
        "Not a fault: the member has no phone, email or WeChat bound. Ask them to bind one in "
        "the member centre if this channel matters.",
    ),
)

_SECURITY_ENTRIES = (
    CatalogEntry(
        "login_locked",
        "登录失败次数过多，请稍后再试",
        "Too many failed sign-ins; try again later",
        "等待锁定时间结束后再登录；如忘记密码，请联系超级管理员重置。"
        "锁定次数与时长在【全局设置】-【基本】中设置。",
        "Wait for the lockout to end; if the password is lost, ask a super admin to reset it. "
        "The threshold and duration are Basic settings.",
    ),
    CatalogEntry(
        "protection_no_destination",
        "操作保护时短信发送失败：管理员未设置手机号或邮箱",
        "Operation protection cannot send a code: this admin has no phone or email",
        "在【管理员】-【我的资料】中填写手机号或邮箱（或请超级管理员代为填写），然后重新操作。"
        "敏感操作的验证不可取消。",
        "Add a phone or email under Admins → My profile (or ask a super admin to), then try "
        "again. Sensitive actions cannot skip this check.",
    ),
)

# Diagnostics, delivery reports, blocks and callbacks (System → Diagnostics, abuse view).
_DIAGNOSTICS_ENTRIES = (
    CatalogEntry(
        "clock_skew",
        "服务器时间与短信商时间相差过大",
        "The server clock is off from the provider's clock",
        "开启 NTP 时间同步（如 chrony 或 systemd-timesyncd），将服务器时间校准为北京时间；"
        "时间相差超过 5 分钟时，短信商会拒绝签名请求（access_token获取失败、鉴权失败）。",
        "Turn on NTP time sync (chrony or systemd-timesyncd) and correct the server clock; "
        "providers refuse signed requests more than 5 minutes off (token and auth failures).",
    ),
    CatalogEntry(
        "check_timeout",
        "检查未在限定时间内完成",
        "The check did not finish in time",
        "检查服务器网络与 DNS，稍后重新运行诊断。",
        "Check the server's network and DNS, then run the diagnostics again.",
    ),
    CatalogEntry(
        "template_missing",
        "该通知渠道没有可用的模板",
        "No template for this channel",
        "在【系统】-【通知模板】中为该事件填写该渠道的模板内容并保存。",
        "Fill in and save this event's template for the channel under System → Notification "
        "templates.",
    ),
    CatalogEntry(
        "channel_off",
        "该事件未勾选此通知渠道",
        "This channel is not ticked for the event",
        "在【系统】-【通知模板】中勾选该事件对应的短信通知（或其他渠道）并保存；勾选前不会发送。",
        "Tick the event's SMS (or other channel) box under System → Notification templates "
        "and save; nothing is sent on a channel that is not ticked.",
    ),
    CatalogEntry(
        "event_disabled",
        "该通知事件未启用",
        "The event is turned off",
        "在【系统】-【通知模板】中勾选启用该事件并保存。",
        "Turn the event on under System → Notification templates and save.",
    ),
    CatalogEntry(
        "undelivered",
        "平台发送成功，但短信未送达手机",
        "Sent by the platform, but not delivered to the phone",
        "建议用户查看手机接收状态是否正常（如信号差、不稳定等）；长时间不关机的手机需关机重启；"
        "双卡双待的手机将双卡互换尝试；检查收件箱是否已满并删除一些短信；检查手机是否有拦截软件；"
        "换个手机试试。备注中是运营商返回的原因。",
        "Ask the customer to check the phone's signal; restart a phone that has not been "
        "turned off for long; swap the SIM cards of a dual-SIM phone; delete messages if the "
        "inbox is full; check for SMS-blocking apps; try another phone. The remark holds the "
        "carrier's reason.",
    ),
    CatalogEntry(
        "status_unsupported",
        "该通道不提供送达状态查询",
        "This gateway offers no delivery-status query",
        "阿里云与腾讯云短信可查询送达状态，Twilio 通过状态回调上报；"
        "其他通道请到短信商后台查看发送记录。",
        "Alibaba Cloud and Tencent Cloud can be queried and Twilio reports through its status "
        "callback; for other gateways read the send log in the provider's console.",
    ),
    CatalogEntry(
        "callback_signature_invalid",
        "回调签名校验失败，已拒绝",
        "The callback signature is invalid; the request was refused",
        "确认【全局设置】-【基本】中的网站地址与短信商控制台中配置的回调地址完全一致"
        "（含 https 与端口），且【全局设置】-【短信】中的 Auth Token 正确。",
        "Make the site URL under Global settings → Basic match the callback URL configured at "
        "the provider exactly (scheme and port included) and check the Auth Token under "
        "Global settings → SMS.",
    ),
    CatalogEntry(
        "blocked",
        "该号码或 IP 已被禁止发送验证码",
        "This number or IP address is blocked from receiving codes",
        "如为误封，请在【系统】-【滥用监控】中解除封禁。",
        "If it was blocked by mistake, remove the block under System → Abuse.",
    ),
)

# Verification codes and the member pages (SPEC section 5).
_CODE_ENTRIES = (
    CatalogEntry(
        "code_interval",
        "验证码发送过于频繁，请稍后再试",
        "A code was sent moments ago; wait before asking for another",
        "等待倒计时结束后再获取；发送间隔在【全局设置】-【会员】中设置。",
        "Wait for the countdown to end; the interval is a Member setting.",
    ),
    CatalogEntry(
        "code_invalid",
        "验证码错误或已失效",
        "The code is wrong or no longer valid",
        "重新获取验证码并在有效期内输入；多次输错后验证码会失效。",
        "Ask for a new code and enter it while it is valid; a code dies after too many wrong "
        "tries.",
    ),
    CatalogEntry(
        "captcha_required",
        "请先完成人机验证",
        "Complete the human check first",
        "勾选人机验证并等待验证完成后重试；行为验证码模式在【全局设置】-【会员】中设置。",
        "Tick the human check and wait until it is verified, then retry; the captcha mode is a "
        "Member setting.",
    ),
    CatalogEntry(
        "member_login_failed",
        "账号或密码错误",
        "Wrong phone / email or password",
        "检查账号和密码，或通过短信验证码登录、找回密码。",
        "Check the account and password, or sign in with an SMS code or reset the password.",
    ),
    CatalogEntry(
        "phone_registered",
        "该手机号已注册，请直接登录或找回密码",
        "This phone number already has an account; sign in or reset the password",
        "使用该手机号登录；忘记密码时通过【找回密码】重置。",
        "Sign in with this phone number, or reset the password under Forgot password.",
    ),
    CatalogEntry(
        "destination_taken",
        "该手机号或邮箱已被其他账号绑定",
        "This phone number or email is bound to another account",
        "换用其他手机号或邮箱；如确属本人，请先在另一个账号中解除绑定。",
        "Use another phone number or email, or unbind it from the other account first.",
    ),
)

_ENTRIES = (*_ENTRIES, *_API_ENTRIES, *_RESELLER_ENTRIES, *_NOTIFY_ENTRIES,
            *_SECURITY_ENTRIES, *_DIAGNOSTICS_ENTRIES,
            *_CODE_ENTRIES)

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
