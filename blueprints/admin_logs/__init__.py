from blueprints.admin_logs.views import bp

__all__ = ["bp"]
