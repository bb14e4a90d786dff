"""System → Functions: clear every cache, export settings, re-encrypt stored secrets."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.guards import admin_blueprint, super_admin_required
from core import audit, clock, protection, settings
from extensions import cache, db
from services.delivery import messaging

bp = admin_blueprint("admin_functions", __name__, "/functions")


@bp.route("/")
def index():
    return render_template("admin_functions/index.html")


@bp.route("/clear-cache", methods=["POST"])
def clear_cache():
    # Settings, provider access tokens and breaker states all live in this one cache,
    # so clearing it is the seed's 清除缓存 fix for a stale access_token.
    cache.clear()
    settings.invalidate()
    messaging.forget_gateways()
    audit.record("cache.clear")
    db.session.commit()
    flash(_("The cache was cleared."), "success")
    return redirect(url_for(".index"))


@bp.route("/export", methods=["POST"])
@super_admin_required
def export():
    """Settings as JSON, the format `flask --app app settings import` reads."""
    with_secrets = request.form.get("with_secrets") == "1"
    if with_secrets:
        refusal = protection.require("settings.export_secrets")
        if refusal is not None:
            return refusal
    audit.record("settings.export", target="web",
                 changes={"with_secrets": [None, with_secrets]})
    db.session.commit()
    body = json.dumps(settings.export(with_secrets=with_secrets), ensure_ascii=False,
                      indent=2, sort_keys=True)
    name = f"herald-settings-{clock.now():%Y%m%d-%H%M%S}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


@bp.route("/rotate-secrets", methods=["POST"])
@super_admin_required
@protection.protected("keys.rotate")
def rotate_secrets():
    """After a new first key is put in HERALD_ENCRYPTION_KEYS: re-encrypt under it."""
    count = settings.rotate_secrets()
    flash(_("%(n)d stored secrets were re-encrypted with the first key.", n=count), "success")
    return redirect(url_for(".index"))
