"""Default templates, per (event or scene, channel, language).

Each value maps a template's parts to Jinja text: ``text`` (SMS content, email text body,
in-site body), ``subject`` (email subject, in-site title), ``html`` (email HTML body) and
``params`` (WeChat field mapping: template field -> Jinja text). They are what a fresh
install sends and what "restore default" restores: no template row is stored until an admin
saves one, so a default improved in a release reaches every template nobody customised.

WeChat defaults carry no template id: it comes from the official account's own template
library, so the admin fills it in (a send without one is ``template_number_missing``).
"""

from __future__ import annotations

_ZH_CODE_SMS = "您的验证码是{{ code }}，{{ minutes }}分钟内有效。请勿泄露给他人。"
_EN_CODE_SMS = "Your verification code is {{ code }}. It is valid for {{ minutes }} minutes. " \
    "Do not share it."

_SCENE_PURPOSE = {
    "register": ("注册账号", "create your account"),
    "login": ("登录", "sign in"),
    "reset_password": ("找回密码", "reset your password"),
    "change_email": ("修改邮箱", "change your email address"),
    "change_phone": ("修改绑定手机", "change your bound phone"),
    "change_protection": ("修改密码保护", "change your password protection"),
    "operation_protection": ("确认敏感操作", "confirm a sensitive action"),
    "admin_login": ("登录管理后台", "sign in to the admin panel"),
}


def _scene_templates(scene: str) -> dict:
    zh_purpose, en_purpose = _SCENE_PURPOSE[scene]
    return {
        # No 【signature】 here: SMS providers add the approved signature themselves.
        ("sms", "zh_CN"): {"text": f"您正在{zh_purpose}，{_ZH_CODE_SMS}"},
        ("sms", "en"): {"text": f"{{{{ site_name }}}}: to {en_purpose}, {_EN_CODE_SMS[0].lower()}"
                                f"{_EN_CODE_SMS[1:]}"},
        ("email", "zh_CN"): {
            "subject": f"{{{{ site_name }}}}：{zh_purpose}验证码",
            "text": f"您正在{zh_purpose}。\n\n{_ZH_CODE_SMS}\n\n如非本人操作，请忽略本邮件。",
            "html": f"<p>您正在{zh_purpose}。</p><p>您的验证码是 <strong>{{{{ code }}}}</strong>，"
                    "{{ minutes }}分钟内有效。请勿泄露给他人。</p>"
                    "<p>如非本人操作，请忽略本邮件。</p>",
        },
        ("email", "en"): {
            "subject": "{{ site_name }}: your code to " + en_purpose,
            "text": f"You asked to {en_purpose}.\n\n{_EN_CODE_SMS}\n\n"
                    "If this was not you, ignore this email.",
            "html": f"<p>You asked to {en_purpose}.</p><p>Your verification code is "
                    "<strong>{{ code }}</strong>. It is valid for {{ minutes }} minutes. "
                    "Do not share it.</p><p>If this was not you, ignore this email.</p>",
        },
    }


# Business events: (zh title, en title, zh sentence, en sentence). Every channel's default
# is built from these, so an event reads the same on SMS, email, in-site and WeChat.
_SERVER_ZH = "{{ server_name }}（{{ server_ip }}）"
_SERVER_EN = "{{ server_name }} ({{ server_ip }})"
_EVENT_TEXT = {
    "server_opened": (
        "服务器开通通知", "Server opened",
        f"您的服务器 {_SERVER_ZH} 已开通，产品：{{{{ product }}}}，"
        "到期时间：{{ expires_at }}。",
        f"Your server {_SERVER_EN} is ready. Product: {{{{ product }}}}; it expires on "
        "{{ expires_at }}."),
    "server_renewed": (
        "服务器续费成功通知", "Server renewed",
        f"您的服务器 {_SERVER_ZH} 已续费成功，金额 {{{{ amount }}}} 元，新的到期时间："
        "{{ expires_at }}。",
        f"Your server {_SERVER_EN} was renewed for {{{{ amount }}}}; it now expires on "
        "{{ expires_at }}."),
    "server_reinstalled": (
        "服务器重装完成", "Server reinstalled",
        f"您的服务器 {_SERVER_ZH} 已重装完成，操作系统：{{{{ os }}}}。",
        f"Your server {_SERVER_EN} was reinstalled with {{{{ os }}}}."),
    "server_upgraded": (
        "服务器升级成功", "Server upgraded",
        f"您的服务器 {_SERVER_ZH} 已升级成功，当前配置：{{{{ product }}}}。",
        f"Your server {_SERVER_EN} was upgraded to {{{{ product }}}}."),
    "cloud_refund": (
        "云服务器退款通知", "Cloud server refund",
        f"您的云服务器 {_SERVER_ZH} 已退款，退款金额 {{{{ amount }}}} 元。",
        f"Your cloud server {_SERVER_EN} was refunded: {{{{ amount }}}}."),
    "expiry_reminder": (
        "云服务器到期续费通知", "Cloud server expiry reminder",
        f"您的云服务器 {_SERVER_ZH} 将于 {{{{ expires_at }}}} 到期，请及时续费，以免影响使用。",
        f"Your cloud server {_SERVER_EN} expires on {{{{ expires_at }}}}. Renew it in time to "
        "keep it running."),
    "expiry_reminder_2": (
        "云服务器到期续费通知2", "Cloud server expiry reminder 2",
        f"再次提醒：您的云服务器 {_SERVER_ZH} 将于 {{{{ expires_at }}}} 到期，到期后将停止服务，"
        "请尽快续费。",
        f"Second reminder: your cloud server {_SERVER_EN} expires on {{{{ expires_at }}}} and "
        "stops then. Please renew it soon."),
    "push_notice": (
        "{{ title }}", "{{ title }}", "{{ body }}", "{{ body }}"),
    "baremetal_autorenew_failed": (
        "裸金属服务器自动续费失败通知", "Bare-metal auto-renewal failed",
        f"您的裸金属服务器 {_SERVER_ZH} 自动续费失败（应付 {{{{ amount }}}} 元），将于 "
        "{{ expires_at }} 到期，请充值后手动续费。",
        f"Auto-renewal of your bare-metal server {_SERVER_EN} failed ({{{{ amount }}}} due); "
        "it expires on {{ expires_at }}. Top up your balance and renew it manually."),
    "baremetal_downgrade_scheduled": (
        "裸金属预约降配通知", "Bare-metal downgrade scheduled",
        f"您的裸金属服务器 {_SERVER_ZH} 已预约降配，将于 {{{{ expires_at }}}} 生效。",
        f"A downgrade of your bare-metal server {_SERVER_EN} is scheduled for "
        "{{ expires_at }}."),
    "admin_login_notice": (
        "管理员登录通知", "Admin sign-in notice",
        "管理员 {{ admin_name }} 于 {{ login_time }} 从 {{ login_ip }} 登录了管理后台。"
        "如非本人操作，请立即修改密码。",
        "Admin {{ admin_name }} signed in to the admin panel at {{ login_time }} from "
        "{{ login_ip }}. If this was not you, change the password now."),
    "account_changed": (
        "账号安全提醒", "Account changed",
        "您的账号{{ change }}已于 {{ time }} 修改（IP：{{ ip }}）。如非本人操作，请立即联系客服。",
        "The {{ change }} of your account was changed at {{ time }} (IP {{ ip }}). If this "
        "was not you, contact support at once."),
}
# Variables a WeChat default maps onto keyword1..N, in order (the template's own fields).
_WECHAT_KEYWORDS = {
    "push_notice": ("title",),
    "admin_login_notice": ("admin_name", "login_time", "login_ip"),
}
_GREETING = {"zh_CN": "尊敬的 {{ member_name }}：", "en": "Dear {{ member_name }},"}


def _event_templates(event: str, keywords: tuple[str, ...]) -> dict:
    zh_title, en_title, zh_line, en_line = _EVENT_TEXT[event]
    parts = {}
    for locale, title, line in (("zh_CN", zh_title, zh_line), ("en", en_title, en_line)):
        # The admin notice goes to an admin, who has no member name to greet.
        greeting = "" if event == "admin_login_notice" else _GREETING[locale]
        sep = "：" if locale == "zh_CN" else ": "
        # No 【signature】 in Chinese: SMS providers add the approved signature themselves.
        parts[("sms", locale)] = {"text": ("" if locale == "zh_CN" else "{{ site_name }}: ")
                                  + line}
        parts[("email", locale)] = {
            "subject": "{{ site_name }}" + sep + title,
            "text": (greeting + "\n\n" if greeting else "") + line + "\n\n{{ site_name }}",
            "html": (f"<p>{greeting}</p>" if greeting else "") + f"<p>{line}</p>"
                    "<p>{{ site_name }}</p>",
        }
        parts[("insite", locale)] = {"subject": title, "text": line}
        fields = {"first": line}
        fields.update({f"keyword{i}": "{{ " + name + " }}" for i, name in enumerate(keywords, 1)})
        fields["remark"] = "{{ site_name }}"
        parts[("wechat", locale)] = {"params": fields}
    return parts


DEFAULTS: dict[tuple[str, str, str], dict] = {}
for _scene in _SCENE_PURPOSE:
    for (_channel, _locale), _parts in _scene_templates(_scene).items():
        DEFAULTS[(_scene, _channel, _locale)] = _parts


def _add_event_defaults() -> None:
    from services.notify import events

    for event in events.EVENTS.values():
        if event.scene:
            continue
        keywords = _WECHAT_KEYWORDS.get(event.name) or tuple(
            name for name in event.variable_names() if name not in ("site_name", "member_name"))
        for (channel, locale), parts in _event_templates(event.name, keywords).items():
            if channel in event.channels:
                DEFAULTS[(event.name, channel, locale)] = parts


_add_event_defaults()


def default(purpose: str, channel: str, locale: str) -> dict | None:
    """The default template parts, falling back to the other language when one is missing."""
    return DEFAULTS.get((purpose, channel, locale)) or DEFAULTS.get(
        (purpose, channel, "en" if locale.startswith("zh") else "zh_CN"))
