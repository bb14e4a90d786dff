from blueprints.admin_templates.views import bp

__all__ = ["bp"]
