"""Reseller clients: list with usage, create (keys shown once), edit, quota, enable / disable,
reset keys, delete, and the per-client usage log. Changes need a super admin; all are audited."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_

from blueprints.admin_resellers import bp
from blueprints.admin_resellers.forms import ClientForm, EditClientForm, QuotaForm
from blueprints.guards import super_admin_required
from core import catalog, protection
from core.paging import paginate
from extensions import db
from models import ApiClient, DeliveryAttempt, ResellerAccount
from services.reseller import clients as reseller_clients
from services.reseller.clients import Credentials


def _account(account_id: int) -> ResellerAccount:
    row = reseller_clients.account(account_id)
    if row is None:
        abort(404)
    return row


@bp.route("/")
def index():
    query = db.select(ResellerAccount).join(ApiClient).order_by(ApiClient.id.desc())
    search = request.args.get("q", "").strip()[:64]
    if search:
        query = query.where(or_(ApiClient.client_id.contains(search, autoescape=True),
                                ApiClient.name.contains(search, autoescape=True)))
    return render_template("admin_resellers/index.html", page=paginate(query), q=search)


@bp.route("/new", methods=["GET", "POST"])
@super_admin_required
@protection.protected("resellers.create")
def new():
    form = ClientForm()
    if request.method == "GET":
        form.client_id.data = reseller_clients.suggest_client_id()
    if form.validate_on_submit():
        row, credentials = reseller_clients.create(
            form.client_id.data, form.name.data or "", form.quota.data or 0,
            form.allowed_templates.data, form.countries(), form.rate_per_minute.data)
        flash(_("Reseller client %(id)s created.", id=row.client.client_id), "success")
        return _credentials_page(row, credentials)
    _flash_invalid(form)
    return render_template("admin_resellers/new.html", form=form)


@bp.route("/<int:account_id>")
def edit(account_id: int):
    row = _account(account_id)
    return _edit_page(row, _edit_form(row))


@bp.route("/<int:account_id>", methods=["POST"])
@super_admin_required
@protection.protected("resellers.update")
def save(account_id: int):
    row = _account(account_id)
    form = _edit_form(row)
    if form.validate_on_submit():
        changes = reseller_clients.update(row, form.name.data or "", form.allowed_templates.data,
                                          form.countries(), form.rate_per_minute.data)
        flash(_("Saved: %(n)d changed.", n=len(changes)) if changes else _("Nothing changed."),
              "success" if changes else "info")
        return redirect(url_for(".edit", account_id=row.id))
    _flash_invalid(form)
    return _edit_page(row, form)


@bp.route("/<int:account_id>/quota", methods=["POST"])
@super_admin_required
@protection.protected("resellers.quota")
def quota(account_id: int):
    row = _account(account_id)
    form = QuotaForm()
    if not form.validate_on_submit():
        _flash_invalid(form)
        return _edit_page(row, _edit_form(row, formdata=None), form)
    after = reseller_clients.adjust_quota(row, form.delta.data)
    if after is None:
        form.delta.errors = [_("The quota cannot go below 0.")]
        _flash_invalid(form)
        return _edit_page(row, _edit_form(row, formdata=None), form)
    flash(_("Quota of %(id)s is now %(n)d.", id=row.client.client_id, n=after), "success")
    return redirect(url_for(".edit", account_id=row.id))


@bp.route("/<int:account_id>/active", methods=["POST"])
@super_admin_required
@protection.protected("resellers.active")
def active(account_id: int):
    row = _account(account_id)
    enable = request.form.get("active") == "1"
    reseller_clients.set_active(row, enable)
    flash(_("%(id)s enabled.", id=row.client.client_id) if enable
          else _("%(id)s disabled: its requests are refused.", id=row.client.client_id), "info")
    return redirect(url_for(".edit", account_id=row.id))


@bp.route("/<int:account_id>/reset-keys", methods=["POST"])
@super_admin_required
@protection.protected("resellers.reset_keys")
def reset_keys(account_id: int):
    row = _account(account_id)
    credentials = reseller_clients.reset_keys(row)
    flash(_("New keys for %(id)s: the old ones no longer work.", id=row.client.client_id),
          "warning")
    return _credentials_page(row, credentials)


@bp.route("/<int:account_id>/delete", methods=["POST"])
@super_admin_required
@protection.protected("resellers.delete")
def delete(account_id: int):
    row = _account(account_id)
    client_id = row.client.client_id
    reseller_clients.delete(row)
    flash(_("Reseller client %(id)s deleted.", id=client_id), "info")
    return redirect(url_for(".index"))


@bp.route("/<int:account_id>/usage")
def usage(account_id: int):
    row = _account(account_id)
    query = (db.select(DeliveryAttempt).where(DeliveryAttempt.api_client_id == row.api_client_id)
             .order_by(DeliveryAttempt.id.desc()))
    return render_template("admin_resellers/usage.html", row=row, page=paginate(query))


def _edit_form(row: ResellerAccount, **kwargs) -> EditClientForm:
    return EditClientForm(name=row.client.name, allowed_templates=list(row.allowed_templates),
                          allowed_countries=", ".join(row.allowed_countries),
                          rate_per_minute=row.rate_per_minute, **kwargs)


def _edit_page(row: ResellerAccount, form: EditClientForm, quota_form: QuotaForm | None = None):
    return render_template("admin_resellers/edit.html", row=row, form=form,
                           quota_form=quota_form or QuotaForm(formdata=None))


def _credentials_page(row: ResellerAccount, credentials: Credentials):
    """The keys, once: the page is never cached and the keys are not stored readable."""
    response = make_response(render_template("admin_resellers/credentials.html", row=row,
                                             credentials=credentials))
    response.headers["Cache-Control"] = "no-store"
    return response


def _flash_invalid(form) -> None:
    if form.errors:
        flash(catalog.flash_text("invalid_input"), "danger")


@bp.route("/by-client/<int:api_client_id>")
def by_client(api_client_id: int):
    """The usage page of the reseller behind a log row's ``api_client_id``."""
    row = reseller_clients.account_for_client(api_client_id) or abort(404)
    return redirect(url_for(".usage", account_id=row.id))
