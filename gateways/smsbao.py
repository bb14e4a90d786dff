"""SMSBao (短信宝): content-based HTTP API answering with a bare numeric code.

``GET {endpoint}/sms?u=USER&p=PASS&m=PHONE&c=CONTENT`` for mainland numbers and
``/wsms`` with ``m=+E164`` for international ones. ``p`` is the MD5 of the login password
or, as SMSBao recommends, an API key sent as is. The signature ``【签名】`` heads the content.
"""

from __future__ import annotations

import hashlib

from flask_babel import lazy_gettext as _l

from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure
from gateways.http import HttpGateway, endpoint_field
from gateways.phone import mainland_number

DEFAULT_ENDPOINT = "https://api.smsbao.com/"

# SMSBao's documented result codes.
ERRORS = {
    "-1": "wrong_channel",  # 参数不全: the request lacks a parameter (seed: 请求参数不存在)
    "30": "auth_failed",  # 密码错误
    "40": "auth_failed",  # 账号不存在
    "41": "insufficient_balance",  # 余额不足
    "42": "auth_failed",  # 账户已过期: the account can no longer be used
    "43": "auth_failed",  # IP地址限制: this server's IP is not on the account's list
    "50": "content_rejected",  # 内容含有敏感词
    "51": "invalid_phone",  # 手机号码不正确
}
MESSAGES = {
    "-1": "参数不全",
    "30": "密码错误",
    "40": "账号不存在",
    "41": "余额不足",
    "42": "账户已过期",
    "43": "IP地址限制",
    "50": "内容含有敏感词",
    "51": "手机号码不正确",
}


@register
class SmsbaoGateway(HttpGateway):
    name = "smsbao"
    channel = "sms"
    label = _l("SMSBao")
    default_endpoint = DEFAULT_ENDPOINT
    fields = (
        GatewayField("username", _l("Username")),
        GatewayField("password", _l("Password or API key"), secret=True),
        GatewayField(
            "password_kind",
            _l("The secret above is"),
            required=False,
            default="api_key",
            kind="choice",
            choices=(
                ("api_key", _l("an API key (sent as is)")),
                ("password", _l("the login password (sent as its MD5)")),
            ),
        ),
        GatewayField("signature", _l("Signature"),
                     description=_l("Without brackets; it is sent as 【signature】.")),
        endpoint_field(DEFAULT_ENDPOINT),
    )

    def _send(self, message: Message) -> SendResult:
        national = mainland_number(message.to)
        path, phone = ("sms", national) if national is not None else ("wsms", message.to)
        query = {"u": self.config["username"], "p": self._credential(),
                 "m": phone, "c": self._content(message.content)}
        response = self.http("GET", self.endpoint.rstrip("/") + "/" + path, params=query)
        code = response.text.strip()
        if response.status_code == 200 and code == "0":
            return SendResult.sent(self.name, raw_code="0", raw_message="短信发送成功")
        numeric = code.lstrip("-").isdigit()  # anything else is a proxy's page, not SMSBao
        return provider_failure(self.name, ERRORS, code if numeric else "",
                                MESSAGES.get(code, ""), response.status_code, response.text)

    def _credential(self) -> str:
        secret = str(self.config["password"])
        if self.config.get("password_kind") == "password":
            # The provider's protocol, not a password store: MD5 is what SMSBao expects.
            return hashlib.md5(secret.encode(), usedforsecurity=False).hexdigest()
        return secret

    def _content(self, content: str) -> str:
        sign = f"【{self.config['signature']}】"
        return content if content.startswith(sign) else sign + content
