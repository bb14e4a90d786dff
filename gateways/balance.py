"""The balance a provider reports: before ``insufficient_balance`` stops every message.

- SMSBao ``GET {endpoint}/query?u=USER&p=CREDENTIAL`` (the credential as for sending)
  answers ``0\\n<sent>,<left>`` in messages, or an error code line (30 wrong password,
  40 no such account, 43 IP not allowed...).
- Twilio ``GET /2010-04-01/Accounts/{Sid}/Balance.json`` (Basic auth) answers
  ``{"balance": "12.34", "currency": "USD", "account_sid": ...}``.
- Tencent Cloud: the messages left in its SMS packages (``tencent_records``).
Alibaba Cloud's SMS API reports no balance (it lives in the billing API, with other keys).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from gateways.base import Gateway
from gateways.errors import provider_failure
from gateways.http import json_or_none
from gateways.records import MESSAGES, Balance, asking, decimal
from gateways.smsbao import ERRORS as SMSBAO_ERRORS
from gateways.smsbao import MESSAGES as SMSBAO_MESSAGES
from gateways.smsbao import SmsbaoGateway
from gateways.status import StatusQueryFailed, redacted
from gateways.twilio import ERRORS as TWILIO_ERRORS
from gateways.twilio import TwilioGateway

SUPPORTED = ("smsbao", "tencent", "twilio")


def read_balance(gateway: Gateway) -> Balance | None:
    """The gateway's balance, or None when its provider reports none."""
    if isinstance(gateway, SmsbaoGateway):
        return smsbao_balance(gateway)
    if isinstance(gateway, TwilioGateway):
        return twilio_balance(gateway)
    if gateway.name == "tencent":
        from gateways.tencent_records import package_balance

        return package_balance(gateway)  # type: ignore[arg-type]
    return None


def smsbao_balance(gateway: SmsbaoGateway) -> Balance:
    query = {"u": gateway.config["username"], "p": gateway._credential()}
    response = asking(gateway, lambda: gateway.http(
        "GET", gateway.endpoint.rstrip("/") + "/query", params=query))
    lines = response.text.strip().splitlines()
    code = lines[0].strip() if lines else ""
    figures = lines[1].split(",") if code == "0" and len(lines) > 1 else []
    left = decimal(figures[1]) if len(figures) == 2 else None
    if response.status_code == 200 and left is not None:
        return Balance(left, MESSAGES, f"sent {figures[0].strip()}")
    numeric = code.lstrip("-").isdigit() and code != "0"
    raise StatusQueryFailed(redacted(gateway, provider_failure(
        gateway.name, SMSBAO_ERRORS, code if numeric else "", SMSBAO_MESSAGES.get(code, ""),
        response.status_code, response.text[:500])))


def twilio_balance(gateway: TwilioGateway) -> Balance:
    sid = str(gateway.config["account_sid"])
    url = f"{gateway.endpoint.rstrip('/')}/2010-04-01/Accounts/{quote(sid, safe='')}/Balance.json"
    response = asking(gateway, lambda: gateway.http(
        "GET", url, auth=(sid, str(gateway.config["auth_token"]))))
    data = json_or_none(response)
    data = data if isinstance(data, dict) else {}
    amount = decimal(data.get("balance")) if response.status_code == 200 else None
    if amount is not None:
        return Balance(amount, str(data.get("currency") or "").upper() or "USD")
    text = ": ".join(str(data[k]) for k in ("message", "detail") if data.get(k))
    raise StatusQueryFailed(redacted(gateway, provider_failure(
        gateway.name, TWILIO_ERRORS, str(data.get("code") or ""), text,
        response.status_code, response.text[:500])))


def describe(balance: Balance) -> str:
    """``1234 messages`` or ``12.34 USD``: language-neutral, for details and logs."""
    amount = balance.amount.normalize() if balance.unit == MESSAGES else \
        balance.amount.quantize(Decimal("0.01"))
    return f"{amount:f} {balance.unit}"
