"""Help text with its technical words set as code: a command, a setting's raw value, an
environment variable, a catalog code, an API path.

Help under a field or a card mixes prose with words an admin types or reads back verbatim
(``flask --app app logs prune``, ``HERALD_PROXY_COUNT``, ``api_disabled``). Those stay as they
are in every language, so the page sets them in monospace rather than as words of the
sentence; the translation keeps them untouched and the same marking applies to it.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A URL, left as it is (a link to read, and its host is no dotted path); backticked text, a
# template variable ({{ code }}, {phone}), a JSON example (its quotes escaped, or not when
# the text came lazy or as Markup), an HTTP method with its path, a file path, an UPPER_SNAKE
# variable, a snake_case value or a dotted path.
_TECHNICAL = re.compile(
    r"(?P<url>\b[a-z][\w+.-]*://[^\s，。；、）)`]+)"
    r"|`(?P<quoted>[^`]+)`"
    r"|(?P<plain>\{\{ ?\w+ ?\}\}|\{[\w.]+\}|\{(?:&#34;|&quot;|\")[^}]*\}"
    r"|\b(?:GET|POST|PUT|DELETE) /[\w/.{}<>-]*"
    r"|\b[\w-]+/[\w/-]*\.(?:md|json|csv|py|txt)\b"
    r"|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"
    r"|\b[a-z]+(?:\.[a-z_]+)+\b(?![.\w]*@))")


def code_spans(text: object) -> Markup:
    """``text`` escaped, with each technical word inside <code>."""
    def wrap(match: re.Match) -> str:
        if match.group("url"):
            return match.group("url")
        return f"<code>{match.group('quoted') or match.group('plain')}</code>"

    # A lazy translation would pass escape() untouched (it has __html__): make it plain text
    # first. Safe: the text is escaped and the wrapped words come from that escaped text.
    plain = text if isinstance(text, Markup) else str(text)
    return Markup(_TECHNICAL.sub(wrap, str(escape(plain))))  # noqa: S704
