from blueprints.admin_diagnostics.views import bp

__all__ = ["bp"]
