"""Default templates, per (event or scene, channel, language).

Each value maps a template's parts to Jinja text: ``text`` (SMS content, email text body,
in-site body, WeChat first line), ``subject`` (email subject, in-site title), ``html``
(email HTML body). They are what a fresh install sends and what "restore default" restores.
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


DEFAULTS: dict[tuple[str, str, str], dict[str, str]] = {}
for _scene in _SCENE_PURPOSE:
    for (_channel, _locale), _parts in _scene_templates(_scene).items():
        DEFAULTS[(_scene, _channel, _locale)] = _parts


def default(purpose: str, channel: str, locale: str) -> dict[str, str] | None:
    """The default template parts, falling back to the other language when one is missing."""
    return DEFAULTS.get((purpose, channel, locale)) or DEFAULTS.get(
        (purpose, channel, "en" if locale.startswith("zh") else "zh_CN"))
