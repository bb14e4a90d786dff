from blueprints.admin_messages.views import bp

__all__ = ["bp"]
