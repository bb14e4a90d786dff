"""Turn an event or scene, a channel, a language and variables into message parts.

Templates are Jinja text rendered in an immutable sandbox that sees only the variables
given: an admin-edited template cannot reach Python objects or the app, nor build a value
larger than the output limit (``services.templates.sandbox``, ``bounds``). The stored template
(``models.MessageTemplate``) wins; without one the language's default from
``services.templates.defaults`` is used. ``services.templates.validation`` refuses unsafe
templates at save; the limits here (every value checked before it is built, output
counted while it streams) hold even for a template that never went through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template

from core.translation import supported
from extensions import cache, db
from services.templates import bounds
from services.templates import defaults as template_defaults
from services.templates.sandbox import MessageSandbox

MAX_OUTPUT = bounds.MAX_OUTPUT  # characters one part may render to
MAX_REPEAT = bounds.MAX_REPEAT
OutputTooLarge = bounds.OutputTooLarge
TEMPLATE_PARTS = ("subject", "text", "html", "template_code", "params")
STORED_KEY = "templates:v1"  # the shared cache key of every stored template


class TemplateMissing(LookupError):
    """No template exists for this event, channel and language."""


TEXT_ENV = MessageSandbox(undefined=StrictUndefined, autoescape=False)
HTML_ENV = MessageSandbox(undefined=StrictUndefined, autoescape=True)


@dataclass(frozen=True)
class Rendered:
    subject: str = ""
    text: str = ""
    html: str = ""
    template_code: str = ""  # provider template number (Alibaba, Tencent, upstream, WeChat)
    params: Mapping[str, Any] = field(default_factory=dict)


def _stored() -> dict[str, dict[str, Any]]:
    """Every stored template's parts, from the shared cache (Redis or the instance file
    cache), else the database. Every send renders one, and admins rarely edit them;
    ``template_store`` drops the key after each save, so all workers see it at once."""
    rows = cache.get(STORED_KEY)
    if rows is None:
        from models import MessageTemplate

        rows = {_stored_key(row.purpose, row.channel, row.locale): row.parts()
                for row in db.session.scalars(db.select(MessageTemplate))}
        cache.set(STORED_KEY, rows, timeout=0)
    return rows


def forget_stored() -> None:
    """Called after a template is saved or restored (after the commit)."""
    cache.delete(STORED_KEY)


def _stored_key(purpose: str, channel: str, locale: str) -> str:
    return f"{purpose}/{channel}/{locale}"


def _copy(parts: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A copy the caller may change without changing the cached value."""
    return None if parts is None else {**parts, "params": dict(parts.get("params") or {})}


def template_parts(purpose: str, channel: str, locale: str) -> dict[str, Any]:
    """The template for this purpose / channel / language: stored, else the default.

    Defaults exist in every language (English where a language has no translation), so
    only a purpose without a default falls back to a template stored in another language.
    """
    stored = _stored()
    parts = _copy(stored.get(_stored_key(purpose, channel, locale))) or \
        template_defaults.default(purpose, channel, locale)
    for other in supported():
        if parts is not None:
            break
        parts = _copy(stored.get(_stored_key(purpose, channel, other)))
    if parts is None:
        raise TemplateMissing(f"no {channel} template for {purpose} ({locale})")
    return parts


def render(purpose: str, channel: str, locale: str, variables: Mapping[str, Any]) -> Rendered:
    return render_parts(template_parts(purpose, channel, locale), variables)


def render_parts(parts: Mapping[str, Any], variables: Mapping[str, Any]) -> Rendered:
    """Render given template parts; a template with no parameter mapping passes every
    variable by its own name (what Alibaba / Tencent templates usually name them)."""
    context = {k: "" if v is None else v for k, v in variables.items()}
    mapping = parts.get("params") or {}
    params = ({key: render_text(source, context) for key, source in mapping.items()}
              if mapping else {k: str(v) for k, v in context.items()})
    return Rendered(
        subject=render_text(parts.get("subject", ""), context).strip(),
        text=render_text(parts.get("text", ""), context),
        html=render_html(parts.get("html", ""), context),
        template_code=(parts.get("template_code") or "").strip(),
        params=params,
    )


def render_text(source: str, context: Mapping[str, Any]) -> str:
    return _bounded(compiled(False, source), context) if source else ""


def render_html(source: str, context: Mapping[str, Any]) -> str:
    return _bounded(compiled(True, source), context) if source else ""


@lru_cache(maxsize=512)
def compiled(autoescape: bool, source: str) -> Template:
    """Compiling costs far more than rendering; fan-out renders one source many times."""
    return (HTML_ENV if autoescape else TEXT_ENV).from_string(source)


def _bounded(template: Template, context: Mapping[str, Any]) -> str:
    pieces, size = [], 0
    for piece in template.generate(context):
        size += len(piece)
        if size > MAX_OUTPUT:
            raise bounds.too_large(bounds.OUTPUT)
        pieces.append(piece)
    return "".join(pieces)
