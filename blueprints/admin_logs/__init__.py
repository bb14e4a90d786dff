from blueprints.admin_logs import (
    codes,  # noqa: F401  (registers its routes on bp)
    logins,  # noqa: F401  (registers its routes on bp)
    notifications,  # noqa: F401  (registers its routes on bp)
)
from blueprints.admin_logs.views import bp

__all__ = ["bp"]
