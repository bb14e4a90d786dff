"""What a refused template part says: the part, the line and the reason, in the admin's words."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup


@dataclass(frozen=True)
class Problem:
    """One reason a template part is refused; ``line`` is 1-based, 0 when not about a line.

    ``detail`` is text the admin may need verbatim (Jinja's own words for a syntax error
    Herald cannot name); the editor shows it as code after the reason.
    """

    part: str
    line: int
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        text = self.reason if not self.detail else f"{self.reason} {self.detail}"
        if self.line:
            return _("Line %(line)d: %(reason)s", line=self.line, reason=text)
        return text

    def __html__(self) -> str:
        """The reason escaped, the detail in ``<code>``: how a form shows it."""
        reason = Problem(self.part, self.line, self.reason)
        if not self.detail:
            return str(Markup.escape(str(reason)))
        return str(Markup("{} <code>{}</code>").format(str(reason), self.detail))


class TemplateInvalid(ValueError):
    """The template was refused; nothing was saved."""

    code = "template_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.part}: {p}" for p in problems))
        self.problems = problems
