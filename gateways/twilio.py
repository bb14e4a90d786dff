"""Twilio Programmable Messaging: ``POST /2010-04-01/Accounts/{Sid}/Messages.json``.

HTTP Basic auth with AccountSid:AuthToken; form fields To, Body and From or
MessagingServiceSid. Success is HTTP 201 with the Message resource (``sid``, ``status``);
errors are JSON ``{"code": 21211, "message": ..., "more_info": ..., "status": 400}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from requests import Response

from core.translation import NP_
from gateways.base import GatewayField, Message, SendResult, register
from gateways.errors import provider_failure
from gateways.http import HttpGateway, endpoint_field, json_or_none

DEFAULT_ENDPOINT = "https://api.twilio.com"

# Twilio's documented error codes met when creating a Message.
ERRORS = {
    "20003": "auth_failed",  # Authenticate: wrong AccountSid / AuthToken
    "10001": "insufficient_balance",  # account not active, usually out of funds
    "20005": "insufficient_balance",  # account not active
    "21211": "invalid_phone",  # invalid 'To' number
    "21604": "invalid_phone",  # 'To' missing
    "21612": "invalid_phone",  # 'To' not reachable by SMS
    "21614": "invalid_phone",  # 'To' is not a mobile number
    "21408": "invalid_phone",  # the destination country is not enabled (geo permissions)
    # Trial accounts may only message verified numbers: this recipient is not allowed.
    "21608": "invalid_phone",
    # The recipient replied STOP. Not retryable on purpose: no other gateway may message
    # them either.
    "21610": "invalid_phone",
    # 'From' is not a number of this account: the sender does not match the credentials.
    "21212": "wrong_channel",
    "21606": "wrong_channel",
    "21659": "wrong_channel",
    "21603": "not_configured",  # 'From' missing
    "21602": "content_rejected",  # empty body
    "21617": "content_rejected",  # body longer than 1600 characters
    "30007": "content_rejected",  # filtered as spam by Twilio or the carrier
    "20429": "provider_rate_limited",  # too many concurrent API requests
    "14107": "provider_rate_limited",  # SMS send rate limit exceeded
    "21611": "provider_rate_limited",  # the 'From' number's queue is full
    "30001": "provider_rate_limited",  # queue overflow
    "63038": "provider_rate_limited",  # account's daily message limit
    "21730": "unreachable",  # system under maintenance
}


def twilio_signature(auth_token: str, url: str, params: Mapping[str, Any]) -> str:
    """``X-Twilio-Signature``: base64 HMAC-SHA1 of the URL followed by every POST
    parameter's name and value, sorted by name (a repeated name's values sorted too)."""
    text = url + "".join(name + value for name in sorted(params)
                         for value in sorted(_values(params[name])))
    digest = hmac.new(auth_token.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def validate_twilio_signature(auth_token: str, url: str, params: Mapping[str, Any],
                              signature: str) -> bool:
    """Whether a status callback really comes from Twilio. ``url`` is the full URL Twilio
    requested (scheme, host, port, path and query) as configured in StatusCallback."""
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(expected.encode(), (signature or "").encode())


def _values(value: Any) -> Iterable[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _console(term: tuple[str, str]) -> Any:
    return lazy_pgettext(*term)


@register
class TwilioGateway(HttpGateway):
    name = "twilio"
    channel = "sms"
    label = _l("Twilio")
    default_endpoint = DEFAULT_ENDPOINT
    fields = (
        # Twilio's console has no Chinese: the English labels are its own words, and each
        # language names the credential in its words (a context keeps them apart).
        GatewayField("account_sid", _console(NP_("Twilio console", "Account SID"))),
        GatewayField("auth_token", _console(NP_("Twilio console", "Auth Token")), secret=True),
        GatewayField("from_number", _l("From number"), required=False,
                     description=_console(NP_("Twilio console", "E.164, e.g. +15017122661. "
                                                                "Fill in this or the Messaging "
                                                                "Service SID."))),
        GatewayField("messaging_service_sid",
                     _console(NP_("Twilio console", "Messaging Service SID")), required=False,
                     description=_l("Used instead of the From number when filled in.")),
        GatewayField("status_callback", _l("Status callback URL"), required=False, kind="url",
                     description=_l("Twilio reports delivered / undelivered to this address: "
                                    "the site URL followed by /api/callbacks/twilio. Leave "
                                    "blank to get no delivery reports.")),
        endpoint_field(DEFAULT_ENDPOINT),
    )

    def missing_fields(self) -> list[str]:
        missing = super().missing_fields()
        if not (self.config.get("from_number") or self.config.get("messaging_service_sid")):
            missing.append("from_number or messaging_service_sid")
        return missing

    def _send(self, message: Message) -> SendResult:
        sid = str(self.config["account_sid"])
        url = (f"{self.endpoint.rstrip('/')}/2010-04-01/Accounts/"
               f"{quote(sid, safe='')}/Messages.json")
        response = self.http("POST", url, data=self._form(message),
                             auth=(sid, str(self.config["auth_token"])))
        return self._result(response)

    def _form(self, message: Message) -> dict[str, str]:
        form = {"To": message.to, "Body": message.content}
        service = self.config.get("messaging_service_sid")
        if service:
            form["MessagingServiceSid"] = str(service)
        else:
            form["From"] = str(self.config["from_number"])
        if self.config.get("status_callback"):
            form["StatusCallback"] = str(self.config["status_callback"])
        return form

    def _result(self, response: Response) -> SendResult:
        data = json_or_none(response)
        data = data if isinstance(data, dict) else {}
        if response.status_code in (200, 201) and data.get("sid"):
            return SendResult.sent(self.name, message_id=str(data["sid"]),
                                   raw_code=str(data.get("status", "")))
        code = str(data.get("code") or "")
        text = ": ".join(str(data[k]) for k in ("message", "detail") if data.get(k))
        return provider_failure(self.name, ERRORS, code, text, response.status_code,
                                response.text)
