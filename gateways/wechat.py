"""WeChat official-account template messages (``wechat`` channel, gateway ``mp``).

``GET {endpoint}/cgi-bin/token?grant_type=client_credential&appid=&secret=`` gives an
access token valid for ``expires_in`` seconds (7200); WeChat allows only a couple of
thousand token fetches a day, so the token lives in the shared store (``options
["token_store"]``, Flask-Caching's ``cache`` in the app) where every worker finds it.
``POST {endpoint}/cgi-bin/message/template/send?access_token=`` sends; the answer is
``{"errcode": 0, "errmsg": "ok", "msgid": ...}`` or an error code from WeChat's global
return-code table. ``POST {endpoint}/cgi-bin/qrcode/create?access_token=`` makes the
temporary string-scene QR code a member scans to bind WeChat (``qr_ticket``); the Token and
EncodingAESKey fields check the pushes that scan produces (``gateways.wechat_crypto``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from flask_babel import lazy_gettext as _l

from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure, result_from_exception
from gateways.http import HttpGateway, endpoint_field, json_or_none
from gateways.store import MemoryStore, Store

DEFAULT_ENDPOINT = "https://api.weixin.qq.com"
TOKEN_MARGIN = 300  # renew five minutes early so a token never expires mid-request
# The cached token is no longer valid (another fetch replaced it, or it expired early).
TOKEN_REJECTED = frozenset({"40001", "40014", "42001"})
# Token answers that mean "WeChat is busy or throttling", not "your credentials are wrong".
TOKEN_TRANSIENT = frozenset({"-1", "45009", "45011"})
QR_SECONDS = 600  # a bind QR code lives ten minutes: long enough to find the phone
OPENID = re.compile(r"[A-Za-z0-9_-]{6,64}")
CREDENTIAL_PARAM = re.compile(r"\b(secret|access_token)=[^&\s'\"]+")

# WeChat's global return codes, as far as a template message can meet them.
ERRORS = {
    "-1": "unreachable",  # 系统繁忙: nothing was done, retry later
    "40001": "token_failed",  # invalid credential: still rejected after one refresh
    "40014": "token_failed",  # invalid access_token
    "42001": "token_failed",  # access_token expired
    "41001": "token_failed",  # access_token missing
    "40013": "auth_failed",  # invalid appid
    "40164": "auth_failed",  # this server's IP is not on the account's whitelist
    "61004": "auth_failed",  # client IP not registered (same whitelist)
    "48001": "auth_failed",  # api unauthorized: the account lacks template messages
    "48004": "auth_failed",  # api forbidden for irregularities
    "40003": "invalid_openid",  # invalid openid (not this account's follower)
    "43004": "invalid_openid",  # require subscribe: the member unfollowed
    "43101": "invalid_openid",  # the member refused this kind of message
    "50002": "invalid_openid",  # user limited: frozen or deleted account
    "40036": "content_rejected",  # invalid template_id size
    "40037": "content_rejected",  # invalid template_id
    "47003": "content_rejected",  # argument invalid: data does not fit the template
    "45002": "content_rejected",  # content size out of limit
    "40066": "content_rejected",  # invalid url (the message link)
    "45009": "provider_rate_limited",  # daily API quota reached
    "45011": "provider_rate_limited",  # per-minute API quota reached
}
HINTS = {
    "48001": "this API needs a verified service account (template messages, QR codes)",
    "40164": "add this server's outbound IP to the IP whitelist in the official account's "
    "basic configuration",
    "61004": "add this server's outbound IP to the IP whitelist in the official account's "
    "basic configuration",
}

_LOCAL_TOKENS = MemoryStore()  # only when no shared store is passed (scripts, shell)


@dataclass(frozen=True)
class QrTicket:
    """WeChat's answer to ``qrcode/create``: the QR code encodes ``url``."""

    ticket: str
    url: str
    expire_seconds: int


class WechatFailed(Exception):
    """A WeChat call that gave nothing usable; ``result`` is the failed result to return."""

    def __init__(self, result: SendResult) -> None:
        super().__init__(result.raw_message)
        self.result = result


class TokenFailed(WechatFailed):
    """No usable access token (``token_failed``)."""


@register
class WechatMpGateway(HttpGateway):
    name = "mp"
    channel = "wechat"
    label = _l("WeChat official account (template messages)")
    default_endpoint = DEFAULT_ENDPOINT
    fields = (
        GatewayField("app_id", _l("AppId")),
        GatewayField("app_secret", _l("AppSecret"), secret=True),
        GatewayField("token", _l("Token"), secret=True, required=False,
                     description=_l("The Token of the server configuration in the official "
                                    "account's console; WeChat signs every push to "
                                    "`<site>/wechat/callback` with it. Needed to bind members.")),
        GatewayField("encoding_aes_key", _l("EncodingAESKey"), secret=True, required=False,
                     description=_l("The 43-character EncodingAESKey of the console, for the "
                                    "safe (encrypted) message mode; leave empty in plaintext "
                                    "mode.")),
        endpoint_field(DEFAULT_ENDPOINT),
    )

    @property
    def store(self) -> Store:
        return self.options.get("token_store") or _LOCAL_TOKENS

    @property
    def token_key(self) -> str:
        return f"wechat:mp:access_token:{self.config['app_id']}"

    def _send(self, message: Message) -> SendResult:
        if not message.template_code:
            return SendResult.failed(self.name, "template_number_missing",
                                     raw_message="no WeChat template id for this event")
        if not OPENID.fullmatch(message.to or ""):
            return SendResult.failed(self.name, "invalid_openid",
                                     raw_message=f"not an OpenID: {message.to!r}")
        try:
            return self._deliver(message)
        except TokenFailed as exc:
            return exc.result
        except Exception as exc:
            return self._redacted(result_from_exception(self.name, exc))

    def _deliver(self, message: Message) -> SendResult:
        token = self.token()
        response = self._post(message, token)
        if _errcode(response) in TOKEN_REJECTED:
            # Once only: a token refused right after a fresh fetch is a credentials or
            # whitelist problem, and looping would burn the daily token quota.
            response = self._post(message, self.token(rejected=token))
        return self._result(response)

    def token(self, rejected: str = "") -> str:
        """The shared access token; ``rejected`` drops that token and fetches a new one."""
        cached = self.store.get(self.token_key)
        if cached and cached != rejected:
            return str(cached)  # also when another worker already replaced a rejected one
        if cached:
            self.store.delete(self.token_key)
        return self._fetch_token()

    def _fetch_token(self) -> str:
        params = {"grant_type": "client_credential", "appid": self.config["app_id"],
                  "secret": self.config["app_secret"]}
        try:
            response = self.http("GET", self._url("/cgi-bin/token"), params=params)
        except Exception as exc:
            raise TokenFailed(self._token_failure_from(exc)) from exc
        answer = json_or_none(response)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            raise TokenFailed(self._token_failure(response, answer))
        expires_in = int(answer.get("expires_in") or 7200)
        timeout = max(expires_in - TOKEN_MARGIN, expires_in // 2, 1)
        self.store.set(self.token_key, token, timeout=timeout)
        return str(token)

    def _token_failure(self, response: requests.Response, answer: Any) -> SendResult:
        if isinstance(answer, dict):
            code, text = str(answer.get("errcode", "")), str(answer.get("errmsg", ""))
        else:
            code, text = f"HTTP {response.status_code}", response.text
        transient = code in TOKEN_TRANSIENT or response.status_code >= 500
        return self._redacted(SendResult.failed(
            self.name, "token_failed", raw_code=code,
            raw_message=_with_hint(code, text), retryable=transient))

    def _token_failure_from(self, exc: Exception) -> SendResult:
        network = result_from_exception(self.name, exc)
        # Nothing can have been sent before a token exists, so even a read timeout here
        # leaves failing over safe; an unsafe endpoint stays a settings problem.
        retryable = network.retryable or network.error == "timeout"
        return self._redacted(SendResult.failed(
            self.name, "token_failed", raw_code=network.raw_code,
            raw_message=network.raw_message, retryable=retryable))

    def qr_ticket(self, scene: str, expire_seconds: int = QR_SECONDS) -> QrTicket:
        """A temporary string-scene QR code (``QR_STR_SCENE``); raises ``WechatFailed``
        with the failed result when WeChat gives none."""
        body = {"expire_seconds": expire_seconds, "action_name": "QR_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}}}
        try:
            token = self.token()
            response = self._create_qr(body, token)
            if _errcode(response) in TOKEN_REJECTED:
                response = self._create_qr(body, self.token(rejected=token))
        except WechatFailed:
            raise
        except Exception as exc:
            raise WechatFailed(self._redacted(result_from_exception(self.name, exc))) from exc
        answer = json_or_none(response)
        if isinstance(answer, dict) and answer.get("ticket") and answer.get("url"):
            lifetime = answer.get("expire_seconds")
            return QrTicket(str(answer["ticket"]), str(answer["url"]),
                            lifetime if isinstance(lifetime, int) else expire_seconds)
        result = self._result(response)
        if result.ok:  # errcode 0 and yet no ticket: nothing a member could scan
            result = SendResult.failed(self.name, "unknown", raw_code="0",
                                       raw_message=f"no ticket in {response.text[:200]!r}")
        raise WechatFailed(self._redacted(result))

    def _create_qr(self, body: dict, token: str) -> requests.Response:
        return self.http("POST", self._url("/cgi-bin/qrcode/create"),
                         params={"access_token": token}, data=json.dumps(body).encode(),
                         headers={"Content-Type": "application/json; charset=utf-8"})

    def _post(self, message: Message, token: str) -> requests.Response:
        body = json.dumps(template_payload(message), ensure_ascii=False).encode()
        return self.http("POST", self._url("/cgi-bin/message/template/send"),
                         params={"access_token": token}, data=body,
                         headers={"Content-Type": "application/json; charset=utf-8"})

    def _result(self, response: requests.Response) -> SendResult:
        answer = json_or_none(response)
        code = _errcode(response)
        if code == "0":
            return SendResult.sent(self.name, message_id=str(answer.get("msgid", "")),
                                   raw_code="0", raw_message=str(answer.get("errmsg", "ok")))
        text = str(answer.get("errmsg", "")) if isinstance(answer, dict) else ""
        return provider_failure(self.name, ERRORS, code, _with_hint(code, text),
                                response.status_code, response.text)

    def _url(self, path: str) -> str:
        return self.endpoint.rstrip("/") + path

    def _redacted(self, result: SendResult) -> SendResult:
        # requests puts the full URL, query included, into its error messages; the query
        # carries the AppSecret or a live access token, and logs must never hold either.
        text = CREDENTIAL_PARAM.sub(r"\1=***", result.raw_message)
        secret = str(self.config.get("app_secret") or "")
        result.raw_message = text.replace(secret, "***") if secret else text
        return result


def template_payload(message: Message) -> dict[str, Any]:
    """The template message body; a parameter may already be ``{"value", "color"}``."""
    data = {key: value if isinstance(value, Mapping) else {"value": str(value)}
            for key, value in message.params.items()}
    payload: dict[str, Any] = {"touser": message.to, "template_id": message.template_code,
                               "data": data}
    if message.link:
        payload["url"] = message.link
    return payload


def _errcode(response: requests.Response) -> str:
    answer = json_or_none(response)
    if isinstance(answer, dict) and "errcode" in answer:
        return str(answer["errcode"])
    return ""


def _with_hint(code: str, text: str) -> str:
    hint = HINTS.get(code)
    return f"{text} ({hint})" if hint else text
