from blueprints.admin_abuse.views import bp

__all__ = ["bp"]
