from blueprints.admin_auth.views import bp

__all__ = ["bp"]
