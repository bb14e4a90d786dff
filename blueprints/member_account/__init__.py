"""The signed-in member's account page: bound phone, email and password protection."""

from blueprints.member_account.views import bp

__all__ = ["bp"]
