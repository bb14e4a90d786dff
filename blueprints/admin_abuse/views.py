"""System → Abuse: the last 24 hours of code requests, one-click blocks, site alerts."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin_abuse.forms import KIND_LABELS, BlockForm, QuickBlockForm
from blueprints.guards import admin_blueprint
from core import catalog
from services.codes import abuse, blocks

bp = admin_blueprint("admin_abuse", __name__, "/abuse")


@bp.route("/")
def index(form: BlockForm | None = None):
    start = abuse.since()
    hours = abuse.hourly()
    # Hours in the site's zone, as the logs show them (strftime would print UTC).
    chart = {"labels": [format_datetime(h, "HH:mm") for h, _n in hours],
             "counts": [n for _h, n in hours], "label": _("Code requests per hour")}
    prefixes = abuse.grouped(start, abuse.phone_prefix)
    listed = blocks.listing()
    return render_template(
        "admin_abuse/index.html", phones=abuse.top_phones(start), ips=abuse.top_ips(start),
        prefixes=prefixes[:abuse.TOP], countries=abuse.grouped(start, abuse.phone_country),
        prefix_conversion=prefixes[:abuse.TOP * 2], chart=chart, blocks=listed,
        blocked={(b.kind, b.value) for b in listed},
        alerts=abuse.alerts(), form=form or BlockForm(), quick=QuickBlockForm(),
        hours=hours, kind_labels=KIND_LABELS)


@bp.route("/blocks", methods=["POST"])
def block():
    form = BlockForm() if "reason" in request.form else QuickBlockForm()
    if not form.validate_on_submit():
        flash(catalog.flash_text("invalid_input"), "danger")
        return index(form if isinstance(form, BlockForm) else None), 400
    reason = form.reason.data if isinstance(form, BlockForm) else _("blocked from the abuse view")
    try:
        added = blocks.add(form.kind.data, form.value.data, reason or "", current_user.username)
    except blocks.BlockInvalid:
        if isinstance(form, BlockForm):
            form.value.errors = [_("Not a valid phone number, prefix (+ and digits) or IP "
                                   "address for this kind of block.")]
        flash(catalog.flash_text("invalid_input"), "danger")
        return index(form if isinstance(form, BlockForm) else None), 400
    flash(_("Blocked %(kind)s %(value)s.", kind=_kind(added.kind), value=added.value), "success")
    return redirect(url_for(".index"))


@bp.route("/blocks/<int:block_id>/delete", methods=["POST"])
def unblock(block_id: int):
    removed = blocks.remove(block_id)
    if removed is not None:
        flash(_("Unblocked %(kind)s %(value)s.", kind=_kind(removed.kind), value=removed.value),
              "success")
    return redirect(url_for(".index"))


def _kind(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))
