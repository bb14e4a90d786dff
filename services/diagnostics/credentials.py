"""Credentials and SMS signature of every gateway in use (seed 001 cases 1-3).

- a required field left empty: ``not_configured`` (官方接口未配置);
- the active gateway is empty while another one is filled in: ``wrong_channel``
  (请求参数不存在: the selected channel does not match the credentials entered);
- a signature typed with its 【】 brackets: ``sign_mismatch`` (签名数据不一致), since the
  provider compares it with the approved name and adds the brackets itself;
- the ``log`` sink active: nothing reaches a phone or mailbox.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core import settings
from core.settings.gateway_settings import gateway_config
from core.translation import NP_
from gateways.base import REGISTRY, Gateway
from services.diagnostics.context import SINKS, Context, GatewayInUse
from services.diagnostics.labels import channel_name, gateway_name, gateway_names
from services.diagnostics.result import FAIL, OK, WARN, CheckResult

# The field holding the SMS signature, per gateway.
SIGN_FIELDS = {"aliyun": "sign_name", "tencent": "sign_name", "smsbao": "signature",
               "http": "sign"}
BRACKETS = "【】[]"
ROLE_ACTIVE = NP_("gateway role", "active")
TWILIO_CALLBACK_PATH = "/api/callbacks/twilio"


def checks(context: Context) -> list[CheckResult]:
    results = []
    for used in context.gateways:
        results += check(used)
    return results


def check(used: GatewayInUse) -> list[CheckResult]:
    # "active" here is the gateway in use (not "fine"): a context keeps its own translation.
    role = lazy_pgettext(*ROLE_ACTIVE) if used.role == "active" else _l("fallback")
    name = _l("%(channel)s: %(gateway)s (%(role)s)", channel=channel_name(used.channel),
              gateway=gateway_name(used.channel, used.name), role=role)
    result = CheckResult("credentials", name, target=f"{used.channel}.{used.name}")
    gateway = used.gateway
    if gateway is None:
        result.status, result.code, result.detail = FAIL, "not_configured", used.build_error
        return [result]
    if used.name in SINKS:
        result.status, result.code = WARN, "not_configured"
        result.hint = _l("The built-in gateway %(gateway)s is active: messages land in the "
                         "Outbox and never reach a phone or mailbox. Choose a real gateway.",
                         gateway=gateway_name(used.channel, used.name))
        return [result]
    missing = gateway.missing_fields()
    if missing:
        return [_missing(result, gateway, missing), *_wrong_channel(used)]
    return [_signature(result, gateway), *_twilio_callback(used)]


def _missing(result: CheckResult, gateway: Gateway, missing: list[str]) -> CheckResult:
    labels = {spec.name: str(spec.label) for spec in gateway.fields}
    result.status, result.code = FAIL, "not_configured"
    result.hint = _l("Empty required fields: %(fields)s.",
                     fields=", ".join(labels.get(f, f) for f in missing))
    return result


def _wrong_channel(used: GatewayInUse) -> list[CheckResult]:
    """The seed's 请求参数不存在: credentials sit under another gateway than the active one."""
    if used.role != "active":
        return []
    filled = [name for name, cls in sorted(REGISTRY[used.channel].items())
              if name != used.name and name not in SINKS and _complete(used.channel, name, cls)]
    if not filled:
        return []
    return [CheckResult(
        "credentials", _l("Selected %(channel)s gateway", channel=channel_name(used.channel)),
        status=FAIL, code="wrong_channel", target=f"{used.channel}.{used.name}",
        hint=_l("Credentials are filled in for %(others)s, but the active gateway is "
                "%(active)s.", others=gateway_names(used.channel, filled),
                active=gateway_name(used.channel, used.name)))]


def _complete(channel: str, name: str, cls: type[Gateway]) -> bool:
    if not any(spec.required for spec in cls.fields):
        return False
    return not cls(gateway_config(channel, name)).missing_fields()


def _signature(result: CheckResult, gateway: Gateway) -> CheckResult:
    field = SIGN_FIELDS.get(gateway.name)
    sign = str(gateway.config.get(field) or "") if field else ""
    if sign and (sign != sign.strip() or any(ch in sign for ch in BRACKETS)):
        result.status, result.code = WARN, "sign_mismatch"
        result.hint = _l("Enter the signature exactly as approved, without 【】 or spaces: "
                         "the provider adds the brackets. Now: %(sign)s", sign=sign)
        return result
    result.status = OK
    result.hint = _l("Credentials filled in; signature: %(sign)s", sign=sign or "-")
    return result


def expected_twilio_callback() -> str:
    return str(settings.get("basic.site_url")).rstrip("/") + TWILIO_CALLBACK_PATH


def _twilio_callback(used: GatewayInUse) -> list[CheckResult]:
    if used.name != "twilio" or used.gateway is None:
        return []
    configured = str(used.gateway.config.get("status_callback") or "")
    expected = expected_twilio_callback()
    result = CheckResult("credentials", _l("Twilio delivery reports"), target=expected)
    if not configured:
        result.status = WARN
        result.hint = _l("Fill in the status callback URL %(url)s to learn which messages "
                         "were delivered.", url=expected)
    elif configured != expected:
        result.status, result.code = WARN, "callback_signature_invalid"
        result.hint = _l("The status callback URL is %(configured)s but the site URL gives "
                         "%(url)s: Twilio's signature would not verify.",
                         configured=configured, url=expected)
    return [result]
