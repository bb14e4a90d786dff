from blueprints.admin_messages import (
    broadcast,  # noqa: F401  (registers its routes on bp)
    jobs,  # noqa: F401  (registers its routes on bp)
)
from blueprints.admin_messages.views import bp

__all__ = ["bp"]
