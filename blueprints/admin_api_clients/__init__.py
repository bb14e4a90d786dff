"""System → Event API clients: the keys the business system signs ``POST /api/events`` with."""

from blueprints.admin_api_clients.views import bp

__all__ = ["bp"]
