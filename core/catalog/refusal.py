"""The exception every room raises when it refuses something with a catalog code."""

from __future__ import annotations


class Refusal(Exception):
    """Refused with ``code`` (a catalog code the page or answer turns into words and a fix);
    ``detail`` is for the log, never shown as the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
