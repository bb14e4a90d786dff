"""Text from users, made safe to keep in a log that is read one line per entry.

A typed value holding a line break (``root\\r\\n2026-11-23 admin signed in``) would read as a
second, forged entry in the login log, a CSV export or a terminal. Such characters are
written out as escapes instead, so the admin still sees exactly what was typed.
"""

from __future__ import annotations

_ESCAPES = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def one_line(value: str) -> str:
    """``value`` with every non-printable character (control characters, line and
    paragraph separators) written as a visible escape."""
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in value)


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
