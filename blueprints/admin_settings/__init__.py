from blueprints.admin_settings.views import bp

__all__ = ["bp"]
