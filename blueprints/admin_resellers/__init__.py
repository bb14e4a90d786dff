"""Site → Reseller clients: the members of the reseller API, their quota and usage, and the
numbered templates this Herald publishes to them."""

from blueprints.guards import admin_blueprint

bp = admin_blueprint("admin_resellers", __name__, "/resellers")

# The view modules register their routes on ``bp``.
from blueprints.admin_resellers import clients, templates  # noqa: E402
from blueprints.admin_resellers.badge import reseller_badge  # noqa: E402

bp.add_app_template_global(reseller_badge)

__all__ = ["bp", "clients", "reseller_badge", "templates"]
