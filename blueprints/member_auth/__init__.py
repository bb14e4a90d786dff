"""Member sign-in, registration and recovery at the site root."""

from blueprints.member_auth import codes, recovery, register  # noqa: F401  (routes on bp)
from blueprints.member_auth.views import bp

__all__ = ["bp"]
