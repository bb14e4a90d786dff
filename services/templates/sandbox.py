"""The sandbox message templates render in: immutable, and unable to build huge values.

Jinja's ``ImmutableSandboxedEnvironment`` keeps a template away from Python objects but
not from memory: ``server_name|center(999999999)`` builds a gigabyte before the output
counter in ``rendering`` sees one character. Here every way a template can grow a value is
routed through a size check of ``services.templates.bounds`` that runs *before* the work:
size-taking filters are wrapped, ``*`` ``**`` ``%`` ``+`` are intercepted, ``~`` is compiled
to a checked join, string methods and ``range`` are checked when called, ``str.format``
when looked up, and every printed value is weighed before it is turned into text.
"""

from __future__ import annotations

import inspect
import operator
from functools import update_wrapper
from typing import Any

from flask_babel import lazy_gettext as _l
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from services.templates import bounds

PASS_NAMES = frozenset({"env", "environment", "eval_ctx", "context"})


def _filter_checks() -> dict[str, Any]:
    """Filter name → check of its bound arguments; it may return replaced arguments."""
    def join(a: dict) -> dict:
        return {**a, "value": bounds.join(a["value"], a["d"])}

    return {
        "center": lambda a: bounds.padded(a["value"], a["width"], _l("The centred text")),
        "indent": lambda a: bounds.indent(a["s"], a["width"]),
        "truncate": lambda a: (bounds.ensure_number(a["length"], _l("The truncate length")),
                               bounds.ensure_number(a["leeway"], _l("The truncate leeway"))),
        "wordwrap": lambda a: bounds.wordwrap(a["s"], a["width"], a["wrapstring"]),
        "replace": lambda a: bounds.replace(a["s"], a["old"], a["new"], a["count"]),
        "format": lambda a: bounds.printf(str(a["value"]), a["kwargs"] or a["args"]),
        "join": join,
        "batch": lambda a: bounds.ensure_number(a["linecount"], _l("The batch size")),
        "slice": lambda a: bounds.ensure_number(a["slices"], _l("The slice count")),
    }


def _guarded(name: str, original: Any, check: Any) -> Any:
    """``original`` with ``check`` before it and a weight check of its result after."""
    signature = inspect.signature(original)
    first = next(iter(signature.parameters), "")
    # Jinja passes env / eval_ctx / context first; an async-variant filter's signature
    # (``slice``) does not show it, so it is held apart before binding.
    hidden = 1 if hasattr(original, "jinja_pass_arg") and first not in PASS_NAMES else 0
    shown = 1 if first in PASS_NAMES else 0
    result_name = _l("The result of the %(name)s filter", name=name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if check is not None:
            head, bound = args[:hidden], signature.bind(*args[hidden:], **kwargs)
            bound.apply_defaults()
            replaced = check(dict(list(bound.arguments.items())[shown:]))
            if isinstance(replaced, dict):
                bound.arguments.update(replaced)
            args, kwargs = (*head, *bound.args), bound.kwargs
        return bounds.ensure_weight(original(*args, **kwargs), result_name)

    return update_wrapper(wrapper, original)  # keeps jinja_pass_arg


_PADDED = _l("The padded text")
METHOD_CHECKS = {
    **{name: (lambda s, a, k: bounds.padded(s, a[0] if a else k.get("width"), _PADDED))
       for name in ("center", "ljust", "rjust", "zfill")},
    "expandtabs": lambda s, a, k: bounds.expandtabs(s, a[0] if a else k.get("tabsize", 8)),
    "replace": lambda s, a, k: bounds.replace(s, *a[:3]) if len(a) >= 2 else None,
}
PRINTED, CONCAT, PLUS, CALLED = (_l("A printed value"), _l("The joined text (~)"),
                                 _l("The joined text (+)"), _l("The call's result"))


class BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to ``environment.bounded_concat`` instead of a bare join."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.bounded_concat({join}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class MessageSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with every value a template builds bounded.

    ``optimized=False``: Jinja would otherwise fold constant expressions (``'x' * 10**9``,
    ``'a'|center(60000) ~ 'a'|center(60000) ~ …``) while *compiling*, before any check.
    Intercepting the operators also stops that folding.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, finalize=self._finalize, **options)
        checks = _filter_checks()
        self.filters = {name: _guarded(name, original, checks.get(name))
                        for name, original in self.filters.items()}
        self.globals = {**self.globals, "range": bounds.bounded_range}
        self.globals.pop("lipsum", None)  # lipsum(10**9) writes a gigabyte of Latin

    @staticmethod
    def _finalize(value: Any) -> Any:
        """Every ``{{ … }}`` is weighed before it is turned into text."""
        return bounds.ensure_weight(value, PRINTED)

    def bounded_concat(self, join: Any, parts: tuple) -> str:
        size = 0
        for part in parts:
            size += bounds.weight(part)
            bounds.ensure(size, CONCAT)
        return join(parts)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("exponent too large")
            result = operator.pow(left, right)
            if isinstance(result, int | float) and abs(result) > 10**18:
                raise SecurityError("number too large")
            return result
        if operator_name == "*":
            bounds.repeat(left, right)
            bounds.repeat(right, left)
            return operator.mul(left, right)
        if operator_name == "%":
            if isinstance(left, str):
                bounds.printf(left, right)
            return operator.mod(left, right)
        if isinstance(left, str | list | tuple):  # "+"
            bounds.ensure(bounds.weight(left) + bounds.weight(right), PLUS)
        return operator.add(left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str):
            if name in METHOD_CHECKS:
                METHOD_CHECKS[name](owner, args, kwargs)
            elif name == "join" and args:
                args = (bounds.join(args[0], owner), *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        return bounds.ensure_weight(result, CALLED)

    def wrap_str_format(self, value: Any) -> Any:
        """``'{:>999999999}'.format(x)``: check the fields when the call is made."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        template = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            if value.__name__ == "format_map" and args:
                bounds.str_format(template, (), args[0])
            else:
                bounds.str_format(template, args, kwargs)
            return wrapped(*args, **kwargs)

        return update_wrapper(checked, value)

