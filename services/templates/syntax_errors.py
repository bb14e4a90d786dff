"""Jinja's syntax errors in the admin's language.

Jinja words its parse errors in English for developers ("expected token 'end of print
statement', got 'y'"). The kinds an admin meets in a message template are recognised here
and said again in the admin's language, with the symbols they type (``}}``, ``%}``); an
error not recognised keeps a generic translated reason with Jinja's text as the detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from jinja2.exceptions import TemplateSyntaxError

from services.templates.problems import Problem

CLOSING_BLOCK = r"The innermost block that needs to be closed is '(?P<block>\w+)'\.$"


def _token(description: str) -> str:
    """What the admin types for a token Jinja describes in words."""
    symbols = {"end of print statement": "}}", "end of statement block": "%}",
               "begin of print statement": "{{", "begin of statement block": "{%",
               "end of template": _("the end of the template"), "name": _("a name")}
    return symbols.get(description, description)


def _unclosed(m: re.Match) -> str:
    block = m["block"]
    return _("The %(block)s block is never closed: add %(end)s.",
             block="{% " + block + " %}", end="{% end" + block + " %}")


def _misplaced(m: re.Match) -> str:
    return _("%(tag)s does not belong here: the open %(block)s block needs %(end)s first.",
             tag="{% " + m["tag"] + " %}", block="{% " + m["block"] + " %}",
             end="{% end" + m["block"] + " %}")


def _char(m: re.Match) -> str:
    if m["char"] in "\"'":
        return _("The quote %(char)s is never closed.", char=m["char"])
    return _("The character %(char)s cannot be used inside {{ }} or {%% %%}.", char=m["char"])


# (Jinja's message, how to say it): the first that matches wins.
KINDS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = (
    (re.compile(r"^Unexpected end of template\. Jinja was looking for the following tags: "
                r".+\. " + CLOSING_BLOCK), _unclosed),
    (re.compile(r"^Encountered unknown tag '(?P<tag>\w+)'\. Jinja was looking for the "
                r"following tags: .+\. " + CLOSING_BLOCK), _misplaced),
    (re.compile(r"^Encountered unknown tag '(?P<tag>\w+)'\.$"),
     lambda m: _("Unknown tag %(tag)s (a closing tag without its opening one?).",
                 tag="{% " + m["tag"] + " %}")),
    (re.compile(r"^unexpected end of template, expected '(?P<token>.+)'\.$"),
     lambda m: _("The template ends before %(token)s.", token=_token(m["token"]))),
    (re.compile(r"^Expected an expression, got '(?P<token>.+)'$"),
     lambda m: _("A variable or value is missing before %(token)s.",
                 token=_token(m["token"]))),
    (re.compile(r"^expected token '(?P<expected>.+)', got '(?P<got>.+)'$"),
     lambda m: _("Expected %(expected)s but found %(got)s.",
                 expected=_token(m["expected"]), got=_token(m["got"]))),
    (re.compile(r"^unexpected '(?P<got>.+)', expected '(?P<expected>.+)'$"),
     lambda m: _("Expected %(expected)s but found %(got)s.",
                 expected=_token(m["expected"]), got=_token(m["got"]))),
    (re.compile(r"^unexpected '(?P<got>.+)'$"),
     lambda m: _("%(got)s is not expected here.", got=_token(m["got"]))),
    (re.compile(r"^unexpected char '(?P<char>.)' at \d+$"), _char),
    (re.compile(r"^Missing end of comment tag$"),
     lambda m: _("A comment opened with %(open)s is never closed with %(close)s.",
                 open="{#", close="#}")),
    (re.compile(r"^tag name expected$"),
     lambda m: _("A tag name is missing after %(open)s.", open="{%")),
)


def problem(exc: TemplateSyntaxError, part: str) -> Problem:
    """The refusal for a template Jinja cannot parse, in the admin's language."""
    message = exc.message or ""
    line = exc.lineno or 1
    for pattern, say in KINDS:
        match = pattern.match(message)
        if match:
            return Problem(part, line, _("Syntax error: %(message)s", message=say(match)))
    return Problem(part, line, _("Syntax error: the template cannot be read here."),
                   detail=message)
