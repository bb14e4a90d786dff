"""Numbered reseller templates: derive their variables at save, check and render at send.

Content is Jinja text rendered in the same immutable sandbox as every other template, with
only the request's parameters in scope: a reseller's parameters cannot reach Python objects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError

from extensions import db
from models import ResellerTemplate
from services.templates import rendering

NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MAX_PARAMS = 20
MAX_PARAM_LENGTH = 200
MAX_CONTENT_LENGTH = 1000

# The notification templates' sandbox: every value size-checked before it is built, so a
# reseller's template cannot make a worker allocate a gigabyte either.
_ENV = rendering.TEXT_ENV


class TemplateContentError(ValueError):
    """Content that does not parse or render; ``str(exc)`` says where and why."""


class ParamsInvalid(ValueError):
    """Parameters that do not fit the template (``template_params_invalid``)."""


def variables_of(content: str) -> list[str]:
    """The variable names ``content`` uses, sorted; TemplateContentError when it is not valid."""
    if len(content) > MAX_CONTENT_LENGTH:
        raise TemplateContentError(f"at most {MAX_CONTENT_LENGTH} characters")
    try:
        tree = _ENV.parse(content)
    except TemplateSyntaxError as exc:
        raise TemplateContentError(f"line {exc.lineno}: {exc.message}") from None
    names = sorted(meta.find_undeclared_variables(tree))
    bad = [name for name in names if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name)]
    if bad:
        raise TemplateContentError(f"variable names must be short identifiers: {bad[0]}")
    # A sample render proves the sandbox accepts the template (attribute tricks fail here).
    render(content, dict.fromkeys(names, "0"))
    return names


def render(content: str, params: Mapping[str, str]) -> str:
    try:
        return rendering.render_text(content, dict(params))
    except (SecurityError, UndefinedError, TemplateSyntaxError) as exc:
        raise TemplateContentError(str(exc)) from None
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateContentError(f"{type(exc).__name__}: {exc}") from None


def find(number: str) -> ResellerTemplate | None:
    return db.session.scalar(db.select(ResellerTemplate).where(ResellerTemplate.number == number))


def checked_params(template: ResellerTemplate, raw: Any) -> dict[str, str]:
    """The template's variables from ``raw`` as text; extra names are dropped.

    Values must be text or numbers (not booleans, lists or objects), short, and free of
    control characters: they end up in an SMS a stranger's phone shows.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or len(raw) > MAX_PARAMS:
        raise ParamsInvalid(f"params must be an object of at most {MAX_PARAMS} names")
    missing = [name for name in template.variables if name not in raw]
    if missing:
        raise ParamsInvalid("missing parameters: " + ", ".join(missing))
    return {name: _param_text(name, raw[name]) for name in template.variables}


def _param_text(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ParamsInvalid(f"parameter {name} must be text or a number")
    text = str(value)
    if len(text) > MAX_PARAM_LENGTH:
        raise ParamsInvalid(f"parameter {name} is longer than {MAX_PARAM_LENGTH} characters")
    if any(unicodedata.category(ch) in {"Cc", "Cs"} for ch in text):
        raise ParamsInvalid(f"parameter {name} contains control characters")
    return text
