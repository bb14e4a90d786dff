"""Member sign-in, registration and recovery at the site root."""

from blueprints.member_auth.views import bp

__all__ = ["bp"]
