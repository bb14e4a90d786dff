"""Every enabled event has a template on each channel it is switched on for, with the
provider template number where the gateway needs one (seed 001 case 8, 模板编号不能为空).

Uses the notification matrix (``services.notify.matrix``) and the stored-or-default
templates (``services.templates.rendering.template_parts``) exactly as sending does.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.translation import supported
from services.diagnostics.context import Context
from services.diagnostics.labels import gateway_names, language_names
from services.diagnostics.result import FAIL, OK, CheckResult
from services.notify import events
from services.notify import matrix as event_settings
from services.templates import rendering

# Gateways that send by the provider's template number rather than by content.
NEEDS_NUMBER = {"sms": frozenset({"aliyun", "tencent", "upstream"}), "wechat": frozenset({"mp"})}
# The part that must not be empty, per channel.
BODY_PART = {"sms": "text", "email": "text", "insite": "text"}
# A row's name under its event's heading (the words of the template matrix).
CHANNEL_TEMPLATE = {"sms": _l("SMS template"), "email": _l("Email template"),
                    "insite": _l("In-site template"), "wechat": _l("WeChat template")}


def checks(context: Context) -> list[CheckResult]:
    active = {channel: [g.name for g in context.of_channel(channel)]
              for channel in ("sms", "email", "wechat")}
    problems = []
    for name, switches in event_settings.matrix().items():
        if not switches.enabled:
            continue
        for channel in switches.channels:
            if channel != "insite" and not active.get(channel):
                continue  # the channel is off site-wide (WeChat by default)
            problems += check(events.get(name), channel, active.get(channel, []))
    if problems:
        return problems
    return [CheckResult("templates", _l("Templates of the enabled events"), status=OK)]


def check(event: events.Event, channel: str, gateways: list[str]) -> list[CheckResult]:
    needs = sorted(set(gateways) & NEEDS_NUMBER.get(channel, frozenset()))
    missing_text, missing_number = [], []
    for locale in supported():
        try:
            parts = rendering.template_parts(event.name, channel, locale)
        except rendering.TemplateMissing:
            missing_text.append(locale)
            continue
        part = BODY_PART.get(channel)
        if part and not str(parts.get(part) or "").strip():
            missing_text.append(locale)
        if needs and not str(parts.get("template_code") or "").strip():
            missing_number.append(locale)
    # Listed under the event's heading: one group per event, one row per channel.
    row = {"name": CHANNEL_TEMPLATE.get(channel, channel), "target": f"{event.name}.{channel}",
           "group": event.name, "group_title": event.title}
    results = []
    if missing_text:
        results.append(CheckResult("templates", status=FAIL, code="template_missing",
                                   detail=language_names(missing_text), **row))
    if missing_number:
        results.append(CheckResult(
            "templates", status=FAIL, code="template_number_missing",
            detail=language_names(missing_number), **row,
            depends_on=tuple(f"{channel}.{name}" for name in needs),
            hint=_l("%(gateways)s sends by template number: fill in the template number of "
                    "this template (%(locales)s).", gateways=gateway_names(channel, needs),
                    locales=language_names(missing_number))))
    return results
