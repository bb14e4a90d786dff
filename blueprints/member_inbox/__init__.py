"""``/messages``: the member's in-site messages."""

from blueprints.member_inbox.views import bp

__all__ = ["bp"]
