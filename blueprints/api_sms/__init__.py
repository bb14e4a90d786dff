"""``POST /api/sms/send``: the reseller API, this Herald as a downstream panel's SMS channel.

The request is signed as described in ``core/signing.py`` (the same scheme as
``/api/events``); the body and every answer are documented in ``docs/api.md`` and
``docs/openapi.json``. Answers are JSON ``{"code", "message", "fix", ...}`` with a catalog code.
"""

from blueprints.api_sms.views import bp

__all__ = ["bp"]
