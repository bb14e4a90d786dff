"""CSV export of any filtered log: ``/admin/logs/export/<log>.csv?<the log page's filters>``.

Each log's page links here with its own query string; the rows are streamed
(``services.logs.export``), so a million-row log downloads in bounded memory.
"""

from __future__ import annotations

from flask import abort, request

from blueprints.admin_log_export.logs import EXPORTS
from blueprints.guards import admin_blueprint, super_admin_required
from core import audit
from extensions import db
from services.logs import export as log_export

bp = admin_blueprint("admin_log_export", __name__, "/logs/export")


@bp.route("/<name>.csv")
@super_admin_required
def export(name: str):
    spec = EXPORTS.get(name)
    if spec is None:
        abort(404)
    query = spec.query(request.args)
    audit.record("logs.export", target=name,
                 changes={"filters": [None, {k: v for k, v in request.args.items() if v}]})
    db.session.commit()
    return log_export.response(f"{name}-log.csv", query, spec.id_column, spec.columns)
