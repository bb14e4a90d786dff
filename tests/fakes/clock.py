"""A provider stand-in whose clock is off: its HTTP ``Date`` header is skewed.

``http.server`` writes the ``Date`` header itself, so the skew replaces the handler's
clock rather than adding a second header. ``skew=None`` sends an empty Date.
"""

from __future__ import annotations

import time
from email.utils import formatdate

from tests.fakes.httpserver import FakeServer, Reply


class SkewedClockServer(FakeServer):
    def __init__(self, skew: float | None) -> None:
        super().__init__(lambda request: Reply.text("ok"))
        handler = self._httpd.RequestHandlerClass
        handler.date_time_string = (
            (lambda self, timestamp=None: "") if skew is None else
            (lambda self, timestamp=None: formatdate(time.time() + skew, usegmt=True)))
