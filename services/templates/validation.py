"""Refuse a template at save: parse errors, unknown variables, anything beyond reading them.

A message template may print the event's variables, filter them with a short list of text
filters, and choose with ``if``. Attribute and item access, calls, arithmetic, loops,
assignments, macros and includes are refused with the line and the reason, so a saved
template cannot probe the sandbox (``''.__class__``), call methods (``|attr('format')``)
or build huge strings (``'x' * 10**9``); a literal size argument of a filter
(``center(999999999)``) may not pass the output limit. The sandbox in
``services.templates.sandbox`` still bounds whatever runs, as a second wall.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask_babel import gettext as _
from jinja2 import meta, nodes
from jinja2.exceptions import TemplateSyntaxError

from services.notify import events
from services.templates import provider_params, syntax_errors
from services.templates.bounds import MAX_OUTPUT
from services.templates.problems import Problem, TemplateInvalid
from services.templates.rendering import HTML_ENV, TEXT_ENV

__all__ = ["Problem", "TemplateInvalid", "check", "check_parts", "validate"]

# The most characters an admin may save per part: an SMS is a few hundred characters, an
# email body a few pages.
LIMITS = {"subject": 500, "text": 5000, "html": 50000, "param": 500, "template_code": 64}
SMS_TEXT_LIMIT = 1000
MAX_PARAMS = 30
PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
TEMPLATE_CODE = re.compile(r"^[A-Za-z0-9_.:-]*$")

SAFE_FILTERS = frozenset({
    "capitalize", "center", "d", "default", "e", "escape", "lower", "replace", "string",
    "striptags", "title", "trim", "truncate", "upper", "wordwrap",
})
SAFE_TESTS = frozenset({"defined", "undefined", "none", "string", "number", "eq", "ne",
                        "equalto", "in"})
# The size-taking arguments of filters (position after the value, name): a literal larger
# than the output limit is refused at save; the sandbox checks every value at render.
SIZE_ARGS = {
    "center": ((0, "width"),), "indent": ((0, "width"),), "wordwrap": ((0, "width"),),
    "truncate": ((0, "length"), (3, "leeway")), "replace": ((2, "count"),),
    "batch": ((0, "linecount"),), "slice": ((0, "slices"),),
}
ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
                 nodes.Filter, nodes.Test, nodes.If, nodes.Compare, nodes.Operand, nodes.And,
                 nodes.Or, nodes.Not, nodes.CondExpr, nodes.Concat, nodes.Keyword)
# What the refusal names, for the node types an admin is most likely to try.
REFUSED = {
    nodes.Getattr: "attribute", nodes.Getitem: "item", nodes.Slice: "item",
    nodes.Call: "call", nodes.For: "loop", nodes.Assign: "assign", nodes.AssignBlock: "assign",
    nodes.Macro: "macro", nodes.CallBlock: "macro", nodes.Include: "include",
    nodes.Import: "include", nodes.FromImport: "include", nodes.Extends: "include",
    nodes.Block: "include", nodes.FilterBlock: "filter_block", nodes.With: "assign",
}


def validate(event: events.Event, channel: str, parts: Mapping[str, Any]) -> None:
    """Raise TemplateInvalid listing every problem of every part."""
    problems = list(check_parts(event, channel, parts))
    if problems:
        raise TemplateInvalid(problems)


def check_parts(event: events.Event, channel: str, parts: Mapping[str, Any]) -> Iterator[Problem]:
    yield from check_required(channel, parts)
    allowed = set(event.variable_names())
    for part in ("subject", "text", "html"):
        limit = SMS_TEXT_LIMIT if (channel, part) == ("sms", "text") else LIMITS[part]
        yield from check(parts.get(part) or "", allowed, part, limit, html=part == "html")
    code = parts.get("template_code") or ""
    if len(code) > LIMITS["template_code"] or not TEMPLATE_CODE.match(code):
        yield Problem("template_code", 0, _("Use at most 64 letters, digits and _ . : -"))
    yield from check_params(parts.get("params") or {}, allowed, channel)


def check_required(channel: str, parts: Mapping[str, Any]) -> Iterator[Problem]:
    """A template that would send an empty message is refused too."""
    def blank(part: str) -> bool:
        return not str(parts.get(part) or "").strip()

    empty = _("This must not be empty.")
    if channel == "sms" and blank("text") and blank("template_code"):
        yield Problem("text", 0, _("Write the content, or the provider template number."))
    elif channel == "email":
        if blank("subject"):
            yield Problem("subject", 0, empty)
        if blank("html") and blank("text"):
            yield Problem("text", 0, _("Write the HTML body, the text body or both."))
    elif channel == "insite" and blank("text"):
        yield Problem("text", 0, empty)
    elif channel == "wechat" and not parts.get("params"):
        yield Problem("params", 0, _("Map at least one template field."))


def check_params(params: Mapping[str, Any], allowed: set[str],
                 channel: str = "sms") -> Iterator[Problem]:
    if len(params) > MAX_PARAMS:
        yield Problem("params", 0, _("At most %(n)d parameters.", n=MAX_PARAMS))
    # Tencent numbers its template variables {1}, {2}: an SMS mapping may name them so.
    numbered = channel == "sms"
    if numbered:
        yield from provider_params.check_numbering(params)
    for name, source in params.items():
        if not (PARAM_NAME.match(str(name)) or
                (numbered and provider_params.NUMBERED.match(str(name)))):
            yield Problem("params", 0, _("%(name)s is not a valid parameter name.", name=name))
        elif not isinstance(source, str):
            yield Problem("params", 0, _("The value of %(name)s must be text.", name=name))
        else:
            for problem in check(source, allowed, "params", LIMITS["param"]):
                yield Problem("params", problem.line, f"{name}: {problem.reason}",
                              problem.detail)


def check(source: str, allowed: Iterable[str], part: str, limit: int,
          html: bool = False) -> Iterator[Problem]:
    """Every problem of one template text."""
    if len(source) > limit:
        yield Problem(part, 0, _("Too long: at most %(n)d characters.", n=limit))
        return
    env = HTML_ENV if html else TEXT_ENV
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        yield syntax_errors.problem(exc, part)
        return
    allowed = set(allowed)
    unknown = meta.find_undeclared_variables(tree) - allowed
    seen = set()
    for node in _walk(tree):
        for problem in _check_node(node, part, allowed, unknown):
            if problem not in seen:  # ''.__class__.__mro__ is two Getattr nodes, one problem
                seen.add(problem)
                yield problem
    if not seen:
        yield from _check_total_width(tree, part)


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _check_node(node: nodes.Node, part: str, allowed: set[str],
                unknown: set[str]) -> Iterator[Problem]:
    line = getattr(node, "lineno", 0) or 1
    if not isinstance(node, ALLOWED_NODES):
        yield Problem(part, line, _refusal(node))
    elif isinstance(node, nodes.Name) and node.name in unknown:
        yield Problem(part, line, _("Unknown variable %(name)s. Available: %(names)s",
                                    name=node.name, names=", ".join(sorted(allowed))))
    elif isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
        yield Problem(part, line, _("The filter %(name)s is not allowed.", name=node.name))
    elif isinstance(node, nodes.Filter):
        yield from _check_sizes(node, part, line)
    elif isinstance(node, nodes.Test) and node.name not in SAFE_TESTS:
        yield Problem(part, line, _("The test %(name)s is not allowed.", name=node.name))
    elif isinstance(node, nodes.Const) and not isinstance(node.value, str | int | float | bool
                                                          | None):
        yield Problem(part, line, _("Only text and numbers may be written in a template."))


def _literal_sizes(node: nodes.Filter) -> dict[str, int | float]:
    """The size arguments of a filter written as number literals, by name."""
    given = {name: node.args[i] for i, name in SIZE_ARGS.get(node.name, ()) if i < len(node.args)}
    given.update({kw.key: kw.value for kw in node.kwargs})
    values = {name: getattr(given.get(name), "value", None) for _i, name in
              SIZE_ARGS.get(node.name, ())}
    return {name: value for name, value in values.items()
            if isinstance(value, int | float) and not isinstance(value, bool)}


def _check_sizes(node: nodes.Filter, part: str, line: int) -> Iterator[Problem]:
    """``center(999999999)``: a literal size argument past the output limit."""
    for name, value in _literal_sizes(node).items():
        if value > MAX_OUTPUT:
            yield Problem(part, line, _(
                "The %(argument)s %(value)s given to %(name)s is larger than %(limit)d, the "
                "most characters a message may have.",
                argument=name, value=value, name=node.name, limit=MAX_OUTPUT))


def _check_total_width(tree: nodes.Template, part: str) -> Iterator[Problem]:
    """``a|center(60000) ~ a|center(60000)``: each width passes, together they cannot."""
    total = sum(_literal_sizes(node).get("width", 0) for node in tree.find_all(nodes.Filter)
                if node.name == "center")
    if total > MAX_OUTPUT:
        yield Problem(part, 0, _("The widths given to center add up to %(total)d, more than "
                                 "%(limit)d, the most characters a message may have.",
                                 total=total, limit=MAX_OUTPUT))


def _refusal(node: nodes.Node) -> str:
    kind = next((k for cls, k in REFUSED.items() if isinstance(node, cls)), "")
    if isinstance(node, nodes.BinExpr | nodes.UnaryExpr):
        kind = "arithmetic"
    reasons = {
        "attribute": _("Attribute access (.name) is not allowed: a template may only use "
                       "the event's variables."),
        "item": _("Item access ([...]) is not allowed: a template may only use the event's "
                  "variables."),
        "call": _("Calling functions or methods is not allowed."),
        "arithmetic": _("Arithmetic is not allowed in a message template."),
        "loop": _("Loops are not allowed in a message template."),
        "assign": _("Setting variables is not allowed in a message template."),
        "macro": _("Macros are not allowed in a message template."),
        "include": _("Including or extending other templates is not allowed."),
        "filter_block": _("Filter blocks are not allowed; apply a filter to a variable."),
    }
    return reasons.get(kind) or _("%(kind)s is not allowed in a message template.",
                                  kind=type(node).__name__)
