"""Saving and restoring one channel's template of one event in one language.

Every save is validated first (``template_validation``): a refused template raises
TemplateInvalid and leaves the stored one untouched. "Restore default" deletes the stored
row, so the default of ``template_defaults`` applies again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import audit
from core.translation import supported
from extensions import db
from models import MessageTemplate
from services.notify import events
from services.notify.events import EMAIL, INSITE, SMS, WECHAT
from services.templates import defaults as template_defaults
from services.templates import rendering
from services.templates import validation as template_validation

# The parts each channel's editor shows, in order.
CHANNEL_PARTS = {
    SMS: ("text", "template_code", "params"),
    EMAIL: ("subject", "html", "text"),
    INSITE: ("subject", "text"),
    WECHAT: ("template_code", "params"),
}
AUDIT_VALUE_LIMIT = 500  # audit entries keep the start of long bodies


def stored(purpose: str, channel: str, locale: str) -> MessageTemplate | None:
    return db.session.scalar(db.select(MessageTemplate).where(
        MessageTemplate.purpose == purpose, MessageTemplate.channel == channel,
        MessageTemplate.locale == locale))


def customised() -> set[tuple[str, str]]:
    """(purpose, channel) of every stored template, in any language: the matrix marks them."""
    rows = db.session.execute(db.select(MessageTemplate.purpose, MessageTemplate.channel))
    return {tuple(row) for row in rows}


def current(purpose: str, channel: str, locale: str) -> dict[str, Any]:
    """What the editor shows: the stored parts, else the default's."""
    row = stored(purpose, channel, locale)
    parts = row.parts() if row else dict(template_defaults.default(purpose, channel, locale) or {})
    return {part: parts.get(part) or ({} if part == "params" else "")
            for part in CHANNEL_PARTS[channel]}


def clean(channel: str, parts: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parts this channel uses; the others stay empty."""
    wanted = CHANNEL_PARTS[channel]
    return {
        "subject": parts.get("subject", "") if "subject" in wanted else "",
        "text": parts.get("text", "") if "text" in wanted else "",
        "html": parts.get("html", "") if "html" in wanted else "",
        "template_code": (parts.get("template_code") or "").strip()
        if "template_code" in wanted else "",
        "params": dict(parts.get("params") or {}) if "params" in wanted else {},
    }


def save(event: events.Event, channel: str, locale: str, parts: Mapping[str, Any],
         actor: str = "") -> dict[str, list]:
    """Validate and store; returns the audited changes (empty when nothing changed)."""
    _check_target(event, channel, locale)
    new = clean(channel, parts)
    template_validation.validate(event, channel, new)
    old = current(event.name, channel, locale)
    changes = {part: [_short(old.get(part)), _short(new[part])]
               for part in CHANNEL_PARTS[channel] if old.get(part) != new[part]}
    row = stored(event.name, channel, locale)
    if changes or row is None:
        row = row or MessageTemplate(purpose=event.name, channel=channel, locale=locale)
        for part, value in new.items():
            setattr(row, part, value)
        row.updated_by = actor[:64]
        db.session.add(row)
        audit.record("templates.save", f"{event.name}/{channel}/{locale}", changes)
    db.session.commit()
    rendering.forget_stored()
    return changes


def restore(event: events.Event, channel: str, locale: str) -> bool:
    """Drop the stored template; True when there was one."""
    _check_target(event, channel, locale)
    row = stored(event.name, channel, locale)
    if row is None:
        return False
    audit.record("templates.restore", f"{event.name}/{channel}/{locale}",
                 {part: [_short(row.parts().get(part)), "(default)"]
                  for part in CHANNEL_PARTS[channel]})
    db.session.delete(row)
    db.session.commit()
    rendering.forget_stored()
    return True


def preview(event: events.Event, channel: str, parts: Mapping[str, Any]) -> rendering.Rendered:
    """Render unsaved parts with the event's sample values (validate them first)."""
    return rendering.render_parts(clean(channel, parts), event.samples())


def _check_target(event: events.Event, channel: str, locale: str) -> None:
    if channel not in event.channels or locale not in supported():
        raise ValueError(f"{event.name} has no {channel} template in {locale}")


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > AUDIT_VALUE_LIMIT:
        return value[:AUDIT_VALUE_LIMIT] + "…"
    return value
