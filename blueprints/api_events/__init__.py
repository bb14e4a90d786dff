"""``POST /api/events``: the hosting business system fires a notification event.

Signed as described in ``core/signing.py`` (kind "events"); request and answers are
documented in ``docs/api.md``. Answers are JSON ``{"code", "message", ...}`` with a catalog
code.
"""

from blueprints.api_events.views import bp

__all__ = ["bp"]
