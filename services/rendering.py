"""Turn an event or scene, a channel, a language and variables into message parts.

Templates are Jinja text rendered in an immutable sandbox that sees only the variables
given: an admin-edited template cannot reach Python objects or the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from services import template_defaults

_TEXT_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_HTML_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


class TemplateMissing(LookupError):
    """No template exists for this event, channel and language."""


@dataclass(frozen=True)
class Rendered:
    subject: str = ""
    text: str = ""
    html: str = ""
    template_code: str = ""  # provider template number (Alibaba, Tencent, upstream, WeChat)
    params: Mapping[str, Any] = field(default_factory=dict)


def template_parts(purpose: str, channel: str, locale: str) -> dict[str, str]:
    """The template for this purpose / channel / language: stored, else the default."""
    parts = template_defaults.default(purpose, channel, locale)
    if parts is None:
        raise TemplateMissing(f"no {channel} template for {purpose} ({locale})")
    return parts


def render(purpose: str, channel: str, locale: str, variables: Mapping[str, Any]) -> Rendered:
    parts = template_parts(purpose, channel, locale)
    context = {k: "" if v is None else v for k, v in variables.items()}
    return Rendered(
        subject=_render(_TEXT_ENV, parts.get("subject", ""), context).strip(),
        text=_render(_TEXT_ENV, parts.get("text", ""), context),
        html=_render(_HTML_ENV, parts.get("html", ""), context),
        template_code=parts.get("template_code", ""),
        params={k: str(v) for k, v in context.items()},
    )


def _render(env: ImmutableSandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str:
    return env.from_string(source).render(context) if source else ""
