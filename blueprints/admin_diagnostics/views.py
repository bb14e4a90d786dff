"""System → Diagnostics: the delivery queue's health, every check with its fix, the tracer,
the delivery button; and the red "no worker" banner every admin page shows."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.admin_diagnostics.forms import TracerForm
from blueprints.guards import admin_blueprint
from core import catalog
from core.i18n import site_zone_label
from core.routing import safe_next
from extensions import db
from models import DeliveryAttempt
from services.delivery import health as queue_health
from services.delivery import status as delivery_status
from services.diagnostics import queue, runner, tracer

bp = admin_blueprint("admin_diagnostics", __name__, "/diagnostics")


@bp.record_once
def _template_globals(state) -> None:
    # The admin layout asks on every page whether to show the "no worker" banner.
    state.app.jinja_env.globals["queue_banner"] = queue_banner


def queue_banner() -> bool:
    """Whether the admin layout shows the red "no delivery worker" banner."""
    try:
        return queue_health.banner_needed()
    except Exception:  # an admin page must render even when the database is down
        db.session.rollback()
        return False


# This page's fix where the catalog's would send the admin to the check they are reading.
PAGE_FIXES = {
    "unreachable": _l("From this server, check that the gateway's host name resolves (DNS), "
                      "that no firewall or proxy blocks the connection, and that the gateway's "
                      "address under Global settings is right; the steps show where it stops."),
}


@bp.route("/")
def index():
    report = runner.run_all()
    return render_template("admin_diagnostics/index.html", report=report, queue=queue.panel(),
                           page_fixes=PAGE_FIXES, zone=site_zone_label())


@bp.route("/tracer")
def trace():
    form = TracerForm(request.args)
    result = None
    asked = bool(request.args.get("q") or request.args.get("member"))
    if asked and form.validate():
        try:
            result = tracer.trace(form.q.data or "", form.member.data, form.days.data or 7)
        except tracer.TraceInputError as exc:
            field = form.member if form.member.data else form.q
            field.errors = [f"[{exc.code}] {catalog.message(exc.code)}"]
    return render_template("admin_diagnostics/tracer.html", form=form, trace=result,
                           zone=site_zone_label())


@bp.route("/attempts/<int:attempt_id>/poll", methods=["POST"])
def poll(attempt_id: int):
    """The "check delivery" button of a log or tracer row."""
    row = db.get_or_404(DeliveryAttempt, attempt_id)
    target = safe_next(request.form.get("next") or url_for(".trace", q=row.destination),
                       "admin_home.index")
    try:
        summary = delivery_status.poll_one(row)
    except delivery_status.StatusUnsupported:
        flash(f"[status_unsupported] {catalog.message('status_unsupported')}", "warning")
        return redirect(target)
    for failure in summary.failures:
        flash(f"[{failure.error}] {catalog.message(failure.error)}: {failure.raw_code} "
              f"{failure.raw_message}", "danger")
    if not summary.failures:
        db.session.refresh(row)
        flash(_("Delivery status of #%(id)s: %(status)s", id=row.id,
                status=status_label(row)), "info")
    return redirect(target)


def status_label(row: DeliveryAttempt) -> str:
    labels = {"delivered": _("delivered"), "undelivered": _("undelivered"),
              "sent": _("with the carrier, no receipt yet")}
    text = labels.get(row.delivery_status, _("no report yet"))
    return f"{text} ({row.delivery_error})" if row.delivery_error else text
