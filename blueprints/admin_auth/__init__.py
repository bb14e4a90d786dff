from blueprints.admin_auth import login_code, secure  # noqa: F401  (routes on bp)
from blueprints.admin_auth.views import bp

__all__ = ["bp"]
