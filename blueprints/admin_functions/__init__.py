"""System → Functions: maintenance actions such as clearing every cache."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.guards import admin_blueprint
from core import audit, settings
from extensions import cache, db
from services import messaging

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
