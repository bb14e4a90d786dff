"""A template's parameter mapping against the provider's own template.

Tencent numbers a template's variables ``{1}``, ``{2}`` and takes the values as a list in
that order (``gateways.tencent.template_values``); Alibaba names them ``${code}`` and takes
a JSON object. At save Herald knows only the mapping, so it checks what the mapping alone
can show: numbered names run 1..n with no gap. Where the approved template text is known
(the provider's records), :func:`check_mapping` compares the two: the same names, and for
Tencent the same count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from services.templates.problems import Problem

NUMBERED = re.compile(r"^[0-9]{1,2}$")  # Tencent allows far fewer than 100 variables
# How each provider writes a variable in its template text.
VARIABLES = {
    "tencent": re.compile(r"\{([0-9]+)\}"),
    "aliyun": re.compile(r"\$\{([A-Za-z0-9_.-]+)\}"),
}
PART = "params"


def template_variables(provider: str, template_text: str) -> list[str]:
    """The provider template's variables, in order of first use, each once."""
    pattern = VARIABLES.get(provider)
    found = pattern.findall(template_text or "") if pattern else []
    return list(dict.fromkeys(found))


def check_numbering(names: Iterable[str]) -> list[Problem]:
    """Numbered names (Tencent's ``1 = {{ code }}``): all numbered, 1..n, no gaps."""
    names = [str(name) for name in names]
    numbered = [name for name in names if NUMBERED.match(name)]
    if not numbered:
        return []
    if len(numbered) != len(names):
        return [Problem(PART, 0, _("Numbered parameters (1, 2, …) cannot be mixed with named "
                                   "ones: the provider fills its template by position."))]
    if any(name != str(int(name)) for name in numbered):
        return [Problem(PART, 0, _("Write parameter numbers without leading zeros (1, not "
                                   "01)."))]
    numbers = {int(name) for name in numbered}
    missing = sorted(set(range(1, len(numbers) + 1)) - numbers)
    if missing:
        return [Problem(PART, 0, _(
            "Number the parameters 1 to %(n)d without gaps, as the provider's template "
            "numbers its variables; missing: %(missing)s.", n=len(numbers),
            missing=", ".join(str(n) for n in missing)))]
    return []


def check_mapping(provider: str, mapping: Mapping[str, str], template_text: str,
                  default_names: Iterable[str] = ()) -> list[Problem]:
    """Every mismatch between the mapping and the provider's approved template text.

    An empty mapping passes every event variable by its own name (``rendering``): give
    those names as ``default_names``. A provider whose template syntax is unknown here
    gives no problems.
    """
    if provider not in VARIABLES:
        return []
    wanted = template_variables(provider, template_text)
    names = [str(name) for name in mapping]
    if not names:
        names = [str(name) for name in default_names]
        if provider == "aliyun":
            # Every event variable goes by its own name, and Alibaba ignores the ones its
            # template does not use: only a variable Herald does not have is a problem.
            names = [name for name in names if name in wanted]
    problems = check_numbering(names) if provider == "tencent" else []
    if provider == "tencent" and not all(NUMBERED.match(name) for name in names):
        # Named keys go by the mapping's order: only the count can be compared.
        if len(names) != len(wanted):
            problems.append(_count_problem(len(wanted), len(names)))
        return problems
    missing = [name for name in wanted if name not in names]
    extra = [name for name in names if name not in wanted]
    if missing:
        problems.append(Problem(PART, 0, _(
            "The provider's template uses %(names)s, which the mapping does not give.",
            names=", ".join(missing))))
    if extra:
        problems.append(Problem(PART, 0, _(
            "The provider's template has no %(names)s; remove it from the mapping.",
            names=", ".join(extra))))
    return problems


def _count_problem(expected: int, given: int) -> Problem:
    return Problem(PART, 0, _("The provider's template has %(expected)d parameters; the "
                              "mapping gives %(given)d.", expected=expected, given=given))
