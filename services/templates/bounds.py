"""Size checks a template's work must pass *before* it is done.

Checking the output after rendering is too late: ``'x'|center(999999999)`` allocates a
gigabyte before a single character is yielded. So every operation that can build a value
larger than its inputs (size-taking filters and string methods, ``*``, ``%``, ``+``, ``~``,
``range``, ``format``, ``join``, ``replace``) first estimates the size of its result from
its arguments and refuses anything past ``MAX_OUTPUT``, the most one message part may
render to. ``services.templates.sandbox`` calls these checks; ``validation`` reuses
``MAX_OUTPUT`` for literal arguments at save.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from string import Formatter
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2.exceptions import SecurityError

MAX_OUTPUT = 65_536  # characters one part may render to; also the largest value it may build
MAX_REPEAT = 10_000  # longest string or list a "*" may build, largest number "**" may make
MAX_INT_BITS = 256  # a "*" of two integers may not build a larger number (no digit bombs)

OUTPUT = _l("The output")

# printf-style conversion: %(key)flags width .precision length conversion
PRINTF = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?P<width>\*|\d+)?"
                    r"(?:\.(?P<prec>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")
DIGITS = re.compile(r"\d+")


class OutputTooLarge(SecurityError):
    """A template would build or render more than ``MAX_OUTPUT`` characters.

    A ``SecurityError`` (so a ``TemplateError``): every caller already turns it into
    the ``template_invalid`` catalog code.
    """


def too_large(what: Any, limit: int = MAX_OUTPUT) -> OutputTooLarge:
    return OutputTooLarge(_("%(what)s would be longer than %(limit)d characters, the limit "
                            "of a message; nothing was rendered.", what=what, limit=limit))


def ensure(size: int, what: Any) -> None:
    if size > MAX_OUTPUT:
        raise too_large(what)


def ensure_number(value: Any, what: Any) -> None:
    """A width, length or count argument: at most the output limit."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > MAX_OUTPUT:
        raise too_large(what)


def weight(value: Any, budget: int = MAX_OUTPUT) -> int:
    """About how many characters ``str(value)`` makes, counted without making it.

    Containers count each item at least once plus its separator, so a list of a billion
    empty strings is heavy too; counting stops once past ``budget``.
    """
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, float):
        return 24
    if isinstance(value, range):
        return len(value)
    if isinstance(value, Mapping):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        total = 2
        for item in value:
            total += weight(item, budget - total) + 2
            if total > budget:
                break
        return total
    return 16  # any other object prints its short repr


def ensure_weight(value: Any, what: Any) -> Any:
    ensure(weight(value, MAX_OUTPUT + 1), what)
    return value


def repeat(sequence: Any, count: Any) -> None:
    """``sequence * count`` (either order) builds at most ``MAX_REPEAT`` characters."""
    if isinstance(sequence, str | list | tuple) and isinstance(count, int) and \
            weight(sequence, MAX_REPEAT + 1) * max(count, 0) > MAX_REPEAT:
        raise too_large(_l("The repetition"), MAX_REPEAT)
    if isinstance(sequence, int) and isinstance(count, int) and \
            sequence.bit_length() + count.bit_length() > MAX_INT_BITS:
        raise OutputTooLarge(_("The number would have more than %(n)d bits; nothing was "
                               "rendered.", n=MAX_INT_BITS))


def printf(template: str, args: Any) -> None:
    """``template % args`` and the ``format`` filter: widths, precisions and arguments."""
    size, index = len(template), 0
    positional = args if isinstance(args, tuple) else (args,)
    for match in PRINTF.finditer(template):
        if match["conv"] == "%":
            continue
        if "*" in (match["width"], match["prec"]):
            raise too_large(_l("A width given by an argument (*)"))
        size += int(match["width"] or 0) + int(match["prec"] or 0)
        if match["key"] is not None and isinstance(args, Mapping):
            size += weight(args.get(match["key"]))
        elif index < len(positional):
            size += weight(positional[index])
            index += 1
        ensure(size, _l("The formatted text"))


def str_format(template: str, args: tuple, kwargs: Mapping[str, Any]) -> None:
    """``'{:>999999999}'.format(x)``: every field's width and value counts."""
    size, auto = len(template), 0
    for _literal, field, spec, _conversion in Formatter().parse(template):
        if field is None:
            continue
        if "{" in (spec or ""):
            raise too_large(_l("A width given by an argument ({})"))
        size += sum(int(d) for d in DIGITS.findall(spec or ""))
        first = re.split(r"[.\[]", field, maxsplit=1)[0]
        if first == "":
            first, auto = str(auto), auto + 1
        value = args[int(first)] if first.isdigit() and int(first) < len(args) else \
            kwargs.get(first)
        size += weight(value)
        ensure(size, _l("The formatted text"))


def replace(s: Any, old: Any, new: Any, count: Any = None) -> None:
    s, old, new = str(s), str(old), str(new)
    hits = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    ensure(len(s) + hits * max(len(new) - len(old), 0), _l("The replaced text"))


def join(items: Iterable[Any], separator: Any = "") -> list:
    """Returns the items as a list (a generator can be read only once)."""
    items = list(items)
    ensure(len(items), _l("The joined text"))
    size = len(str(separator)) * max(len(items) - 1, 0)
    for item in items:
        size += weight(item)
        ensure(size, _l("The joined text"))
    return items


def padded(s: Any, width: Any, what: Any) -> None:
    """center / ljust / rjust / zfill: the result is max(len(s), width)."""
    ensure_number(width, what)


def indent(s: Any, width: Any = 4) -> None:
    step = len(width) if isinstance(width, str) else width
    ensure_number(step, _l("The indent"))
    lines = str(s).count("\n") + 1
    ensure(len(str(s)) + lines * max(int(step or 0), 0), _l("The indented text"))


def wordwrap(s: Any, width: Any = 79, wrapstring: Any = None) -> None:
    ensure_number(width, _l("The wrap width"))
    s = str(s)
    lines = len(s) // max(int(width or 1), 1) + len(s.split()) + s.count("\n") + 1
    ensure(len(s) + lines * len(str(wrapstring or "\n")), _l("The wrapped text"))


def expandtabs(s: Any, tabsize: Any = 8) -> None:
    ensure_number(tabsize, _l("The tab size"))
    ensure(len(s) + s.count("\t") * max(int(tabsize), 0), _l("The expanded text"))


def bounded_range(*args: int) -> range:
    """``range`` that yields at most ``MAX_OUTPUT`` numbers (Jinja's own allows 100,000)."""
    numbers = range(*args)
    ensure(len(numbers), _l("The range"))
    return numbers
