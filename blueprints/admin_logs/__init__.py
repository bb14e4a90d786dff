from blueprints.admin_logs import logins  # noqa: F401  (registers its routes on bp)
from blueprints.admin_logs.views import bp

__all__ = ["bp"]
