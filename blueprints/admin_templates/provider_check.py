"""An SMS template's parameter mapping against the provider's approved template text.

Diagnostics reads each template's approved text from Alibaba / Tencent and keeps the last
answer (``services.diagnostics.provider_records``). The editor compares the mapping with
that text at preview and save, without asking the provider again: a mapping that gives
Tencent two values for a three-variable template is refused here, not at the first send.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from core import settings
from services.diagnostics import provider_records
from services.notify import events
from services.notify.events import SMS
from services.templates.problems import Problem
from services.templates.provider_params import VARIABLES, check_mapping


def approved_text(gateway: str, template_code: str) -> str:
    """The approved text of that template as Diagnostics last read it, else ""."""
    snapshot = provider_records.last(gateway)
    records = snapshot.templates if snapshot is not None else []
    return next((r.content for r in records if r.key == template_code and r.usable), "")


def problems(event: events.Event, channel: str, parts: Mapping[str, Any]) -> list[Problem]:
    code = str(parts.get("template_code") or "").strip()
    gateway = str(settings.get("sms.gateway"))
    if channel != SMS or not code or gateway not in VARIABLES:
        return []
    text = approved_text(gateway, code)
    if not text:
        return []
    found = check_mapping(gateway, parts.get("params") or {}, text,
                          default_names=event.variable_names())
    hint = _("Approved text of template %(code)s, as Diagnostics last read it (run "
             "Diagnostics again if it changed at the provider):", code=code)
    return [Problem(p.part, p.line, f"{p.reason} {hint}", detail=text) for p in found]
