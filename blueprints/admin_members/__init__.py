from blueprints.admin_members.views import bp

__all__ = ["bp"]
