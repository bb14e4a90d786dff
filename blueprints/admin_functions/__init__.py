"""System → Functions: clear every cache, export settings, re-encrypt stored secrets."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints.guards import admin_blueprint, super_admin_required
from core import audit, catalog, clock, protection, rotation, settings
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
    # SPEC section 7: exporting settings is protected, with or without secrets (the file
    # still maps the gateways, limits and addresses). Each variant parks under its
    # own name, so the confirmation page and the audit say which one was asked for.
    refusal = protection.require("settings.export_secrets" if with_secrets
                                 else "settings.export")
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
    """After a new first key is put in HERALD_ENCRYPTION_KEYS: re-encrypt every encrypted
    column under it, as ``flask --app app keys rotate`` does."""
    reports = rotation.rotate_all()
    count = sum(report.rotated for report in reports)
    flash(_("%(n)d stored secrets were re-encrypted with the first key.", n=count), "success")
    unreadable = sum(report.unreadable for report in reports)
    if unreadable:
        flash(f"[secret_unreadable] {catalog.message('secret_unreadable')} — "
              f"{catalog.fix('secret_unreadable')}", "danger")
    return redirect(url_for(".index"))
