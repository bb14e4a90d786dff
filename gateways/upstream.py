"""The ``upstream`` gateway: another Herald's reseller API (``POST /api/sms/send``).

Seed 001's "云引擎资源上级代理" channel: the request URL is the upstream's home page, the member
ID, API key and sign key come from the upstream's Site → Reseller clients, and every SMS
template names an upstream template number (without one: ``template_number_missing``, the
seed's 模板编号不能为空, before any request is made).

The upstream answers with a catalog code, which is handed on unchanged: an upstream
``insufficient_balance``, ``quota_exhausted`` or ``ip_not_allowed`` reads the same here. Only
outage-type answers that the upstream marks as certainly not sent (its API switched off among
them) may fail over to the next gateway.

An upstream queues what it accepts and answers ``202`` ``ok`` with its own message id (its
worker sends it later; the reseller can follow it with ``GET /api/sms/messages/<id>``): from
this side the message is sent, the upstream has it and has charged for it. An older upstream
that sent before answering says ``200`` ``ok``; both are accepted.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l
from requests import Response

from core.catalog import CATALOG
from core.signing import signed_headers
from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import result_from_status
from gateways.http import HttpGateway, json_or_none

API_PATH = "/api/sms/send"
ACCEPTED = (200, 202)  # sent by an older upstream; queued by a current one
# What an admin may paste after the home page; all of it is dropped.
_SUFFIXES = ("/api/sms/send", "/api/sms")
# Answers meaning "refused before anything was sent, another gateway may help";
# ``api_disabled``: the upstream's admin switched its reseller API off.
OUTAGE_CODES = frozenset({"unreachable", "provider_rate_limited", "rate_limited",
                          "service_unavailable", "api_disabled"})


def normalise_base_url(url: str) -> str:
    """The upstream's home page from what the admin typed.

    ``https://up.example.com/api/sms/``, ``.../api/sms/send`` and ``https://up.example.com/``
    all become ``https://up.example.com``; a sub-path (``https://example.com/herald``) stays.
    Query and fragment are dropped: the API takes no query string.
    """
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    for suffix in _SUFFIXES:
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def endpoint_url(url: str) -> str:
    return normalise_base_url(url) + API_PATH


@register
class UpstreamGateway(HttpGateway):
    name = "upstream"
    channel = "sms"
    label = _l("Upstream Herald (reseller API)")
    fields = (
        GatewayField("url", _l("Request URL"), kind="url", description=_l(
            "The upstream's home page, e.g. https://www.example.com, without /api/sms/ "
            "(a trailing /api/sms/ is removed when sending).")),
        GatewayField("member_id", _l("Member ID")),
        GatewayField("api_key", _l("API key"), secret=True),
        GatewayField("sign_key", _l("Sign key (SignKey)"), secret=True),
    )

    def _send(self, message: Message) -> SendResult:
        if not message.template_code.strip():
            return SendResult.failed(self.name, "template_number_missing",
                                     raw_message="the SMS template has no template number")
        return self.call({
            "phone": message.to,
            "template_number": message.template_code.strip(),
            "params": {str(k): str(v) for k, v in message.params.items()},
            "idempotency_key": uuid.uuid4().hex,
        })

    def call(self, payload: dict) -> SendResult:
        """POST ``payload`` signed with a fresh nonce; the upstream's answer as a result."""
        url = endpoint_url(str(self.config["url"]))
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = signed_headers(str(self.config["member_id"]), str(self.config["api_key"]),
                                 str(self.config["sign_key"]), "POST", urlsplit(url).path,
                                 body, nonce=uuid.uuid4().hex)
        return self._result(self.http("POST", url, data=body, headers=headers))

    def _result(self, response: Response) -> SendResult:
        data = json_or_none(response)
        code = str(data.get("code") or "") if isinstance(data, dict) else ""
        if not code:  # not a Herald answer: a proxy error page, a wrong URL
            by_status = result_from_status(self.name, response.status_code, response.text[:500])
            return by_status or SendResult.failed(
                self.name, "unknown", raw_code=f"HTTP {response.status_code}",
                raw_message=response.text[:500])
        if code == "ok" and response.status_code in ACCEPTED:
            return SendResult.sent(self.name, message_id=str(data.get("message_id") or ""),
                                   raw_code=code, raw_message=str(data.get("message") or ""))
        return SendResult.failed(
            self.name, code if code in CATALOG else "unknown", raw_code=code[:64],
            raw_message=str(data.get("detail") or data.get("message") or ""),
            retryable=_retryable(code, data, response.status_code))


def _retryable(code: str, data: dict, status: int) -> bool:
    """True only for outages the upstream says (or its status proves) sent nothing."""
    if code not in OUTAGE_CODES:
        return False
    # 429 comes from the upstream's rate limiter, before its view ran.
    return status == 429 or data.get("retryable") is True
