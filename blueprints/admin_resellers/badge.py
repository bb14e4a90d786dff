"""``reseller_badge``: the reseller a log row was sent for, as a link to its usage page.

A template global, so any log table (Outbox, notification log) shows the client with one
line: ``{{ reseller_badge(row.api_client_id) }}`` or, from an Outbox row,
``{{ reseller_badge(attempt_id=row.attempt_id) }}``. Lookups are cached for the request.
"""

from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from extensions import db
from models import ApiClient, DeliveryAttempt


def reseller_badge(api_client_id: int | None = None, attempt_id: int | None = None) -> Markup:
    if api_client_id is None and attempt_id is not None:
        api_client_id = db.session.scalar(db.select(DeliveryAttempt.api_client_id)
                                          .where(DeliveryAttempt.id == attempt_id))
    client_id = _member_id(api_client_id) if api_client_id is not None else None
    if client_id is None:
        return Markup("")
    href = url_for("admin_resellers.by_client", api_client_id=api_client_id)
    return Markup('<a class="badge text-bg-info text-decoration-none reseller-badge" '
                  'href="{}" title="{}"><i class="bi bi-diagram-3"></i> {}</a>').format(
        href, escape(_("Sent for reseller client")), client_id)


def _member_id(api_client_id: int) -> str | None:
    known: dict[int, str | None] = g.setdefault("_reseller_badges", {})
    if api_client_id not in known:
        known[api_client_id] = db.session.scalar(
            db.select(ApiClient.client_id).where(ApiClient.id == api_client_id))
    return known[api_client_id]
