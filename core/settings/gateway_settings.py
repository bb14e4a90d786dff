"""Settings derived from the gateway registry: each gateway's fields become settings.

A gateway module declares ``fields``; this turns field ``access_key_id`` of SMS gateway
``aliyun`` into the setting ``sms.aliyun.access_key_id`` on the SMS tab.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.settings.registry import SETTINGS, declare, group_check
from core.settings.types import Setting
from gateways.base import REGISTRY, GatewayField

# channel -> (settings group, default gateway)
CHANNEL_GROUPS = {"sms": ("sms", "log"), "email": ("email", "log"), "wechat": ("wechat", "off")}


def gateway_choices(channel: str, with_off: bool = False):
    def choices():
        names = [(name, getattr(cls, "label", name)) for name, cls in REGISTRY[channel].items()]
        return ([("off", _l("Off"))] if with_off else []) + sorted(names, key=lambda c: c[0])

    return choices


def _channel_settings(channel: str) -> list[Setting]:
    group, default = CHANNEL_GROUPS[channel]
    general = _l("Gateway")
    settings = [
        Setting(f"{channel}.gateway", group, "choice", default, _l("Active gateway"),
                choices=gateway_choices(channel, with_off=channel == "wechat"), section=general,
                extra={"sensitive": True}),
        Setting(f"{channel}.connect_timeout", group, "float", 3.0,
                _l("Connect timeout (seconds)"), minimum=0.2, maximum=30, section=general),
        Setting(f"{channel}.read_timeout", group, "float", 10.0, _l("Read timeout (seconds)"),
                minimum=0.5, maximum=120, section=general),
        Setting(f"{channel}.max_tries", group, "int", 3, _l("Tries per message"),
                _l("A message is tried again only when it certainly did not go out "
                   "(connection refused, throttled, provider outage), never after a read "
                   "timeout; 1 turns retries off."), minimum=1, maximum=10, section=general),
    ]
    if channel == "sms":
        settings += [
            Setting("sms.fallbacks", group, "list", [], _l("Fallback gateways, in order"),
                    _l("Used only when the message certainly did not go out."),
                    choices=gateway_choices("sms"), section=general, extra={"sensitive": True}),
            Setting("sms.breaker_threshold", group, "int", 5,
                    _l("Failures before a gateway is skipped"), minimum=1, maximum=100,
                    section=general),
            Setting("sms.breaker_cooldown", group, "int", 60,
                    _l("Seconds a failing gateway is skipped"), minimum=5, maximum=86400,
                    section=general),
            # services.delivery.balance reads it every hour (sms_balance_low).
            Setting("sms.balance_low_threshold", group, "float", 0.0,
                    _l("Low-balance alert threshold"),
                    _l("Below this balance of the active gateway the admins get the "
                       "sms_balance_low notice, at most once a day: messages left for SMSBao "
                       "and Tencent Cloud packages, the account's currency for Twilio. "
                       "Alibaba Cloud reports no balance. 0 turns it off."),
                    minimum=0, maximum=100000000, section=general),
        ]
    return settings


def _field_setting(channel: str, gateway: str, label, spec: GatewayField) -> Setting:
    kind = spec.kind if spec.kind != "secret" else "str"
    return Setting(
        f"{channel}.{gateway}.{spec.name}", CHANNEL_GROUPS[channel][0], kind, spec.default,
        spec.label, spec.description, secret=spec.secret, choices=spec.choices,
        max_length=4000 if kind == "text" else 255, section=label,
        extra={"gateway": gateway, "required": spec.required},
    )


def declare_gateway_settings() -> None:
    """Idempotent: create_app may run many times in one process (tests)."""
    wanted: list[Setting] = []
    for channel in CHANNEL_GROUPS:
        wanted += _channel_settings(channel)
        for name, cls in sorted(REGISTRY[channel].items()):
            label = getattr(cls, "label", name)
            wanted += [_field_setting(channel, name, label, spec) for spec in cls.fields]
            wanted += _record_settings(channel, name, label)
    declare(*[s for s in wanted if s.name not in SETTINGS])
    register_group_checks()


def _record_settings(channel: str, gateway: str, label) -> list[Setting]:
    """Settings a provider-records check needs beside the gateway's own fields: Tencent
    describes a signature only by its id (services.diagnostics.provider_records)."""
    if (channel, gateway) != ("sms", "tencent"):
        return []
    return [Setting("sms.tencent.sign_id", "sms", "str", "", _l("Signature ID (optional)"),
                    _l("The number of the signature in Tencent's console. With it, Diagnostics "
                       "and this tab show whether the signature is approved."),
                    max_length=20, section=label, extra={"gateway": gateway, "required": False})]


@group_check("sms")
def _sign_id_is_a_number(values) -> dict:
    value = str(values.get("sms.tencent.sign_id") or "")
    if value and not value.isdigit():
        return {"sms.tencent.sign_id": _l("Enter the signature ID as Tencent's console shows "
                                          "it: digits only.")}
    return {}


def gateway_config(channel: str, name: str) -> dict:
    """The stored field values of one gateway, ready to pass to its class."""
    from core.settings.store import get

    cls = REGISTRY[channel][name]
    return {spec.name: get(f"{channel}.{name}.{spec.name}") for spec in cls.fields}


def _active_gateway_check(channel: str):
    """Refuse to save a tab whose active gateway lacks a required field (not_configured)."""

    def check(values) -> dict:
        from core import catalog

        name = values.get(f"{channel}.gateway")
        cls = REGISTRY[channel].get(name)
        if cls is None:
            return {}
        config = {spec.name: values.get(f"{channel}.{name}.{spec.name}") for spec in cls.fields}
        labels = {spec.name: spec.label for spec in cls.fields}
        message = f"[not_configured] {catalog.message('not_configured')}"
        return {f"{channel}.{name}.{field}": f"{message}: {labels.get(field, field)}"
                for field in cls(config).missing_fields()}

    return check


def _describe_extras(extras: str) -> str:
    """The characters to remove, a full-width space named since it cannot be seen (spaces
    around the value never get here: every text setting is trimmed first)."""
    from flask_babel import gettext as _

    from gateways.errors import FULL_WIDTH_SPACE

    return ", ".join(_("full-width spaces") if ch == FULL_WIDTH_SPACE else ch
                     for ch in extras if ch.strip() or ch == FULL_WIDTH_SPACE)


def sign_name_check(values) -> dict:
    """Refuse a signature typed with 【】 [] or stray spaces, on every SMS gateway.

    Refused rather than silently cleaned: the signature must equal the approved one
    exactly (seed: 签名数据不一致), and the admin sees what to write; the same check
    holds for the CLI and imports, which have no page to show a notice on.
    """
    from flask_babel import gettext as _

    from core import catalog
    from gateways.errors import SIGN_FIELD_NAMES, clean_sign, sign_extras

    errors = {}
    for name, cls in REGISTRY["sms"].items():
        for spec in cls.fields:
            setting = f"sms.{name}.{spec.name}"
            extras = sign_extras(values.get(setting) or "")
            if spec.name in SIGN_FIELD_NAMES and extras:
                errors[setting] = "[sign_mismatch] {}: {}".format(
                    catalog.message("sign_mismatch"),
                    _("remove %(chars)s, the provider adds 【】 itself; write “%(clean)s”.",
                      chars=_describe_extras(extras), clean=clean_sign(values[setting])))
    return errors


def register_group_checks() -> None:
    from core.settings.registry import GROUP_CHECKS

    for channel, (group, _default) in CHANNEL_GROUPS.items():
        if not any(getattr(c, "channel", None) == channel for c in GROUP_CHECKS[group]):
            check = _active_gateway_check(channel)
            check.channel = channel
            GROUP_CHECKS[group].append(check)
    if sign_name_check not in GROUP_CHECKS["sms"]:
        GROUP_CHECKS["sms"].append(sign_name_check)
