"""Reseller templates: the numbered texts this Herald publishes for ``POST /api/sms/send``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.admin_resellers import bp
from blueprints.admin_resellers.forms import TemplateForm
from blueprints.guards import super_admin_required
from core import audit, catalog, protection
from core.paging import paginate
from extensions import db
from models import ResellerTemplate

AUDITED = ("name", "content", "provider_template_code", "enabled")


@bp.route("/templates")
def template_list():
    query = db.select(ResellerTemplate).order_by(ResellerTemplate.number)
    return render_template("admin_resellers/templates.html", page=paginate(query))


@bp.route("/templates/new", methods=["GET", "POST"])
@super_admin_required
@protection.protected("reseller_templates.create")
def template_new():
    form = TemplateForm()
    if form.validate_on_submit():
        row = ResellerTemplate(number=form.number.data.strip(), variables=form.variables)
        _apply(row, form)
        db.session.add(row)
        audit.record("reseller_template.create", row.number,
                     {name: [None, getattr(row, name)] for name in AUDITED})
        db.session.commit()
        flash(_("Template %(number)s created.", number=row.number), "success")
        return redirect(url_for(".template_list"))
    return _form_page(form, None)


@bp.route("/templates/<int:template_id>")
def template_edit(template_id: int):
    row = db.session.get(ResellerTemplate, template_id) or abort(404)
    return _form_page(TemplateForm(obj=row, editing=row), row)


@bp.route("/templates/<int:template_id>", methods=["POST"])
@super_admin_required
@protection.protected("reseller_templates.update")
def template_save(template_id: int):
    row = db.session.get(ResellerTemplate, template_id) or abort(404)
    form = TemplateForm(obj=row, editing=row)
    if not form.validate_on_submit():
        return _form_page(form, row)
    before = {name: getattr(row, name) for name in AUDITED}
    _apply(row, form)
    row.variables = form.variables
    changes = {k: [v, getattr(row, k)] for k, v in before.items() if v != getattr(row, k)}
    if changes:
        audit.record("reseller_template.update", row.number, changes)
    db.session.commit()
    flash(_("Template %(number)s saved.", number=row.number), "success")
    return redirect(url_for(".template_list"))


@bp.route("/templates/<int:template_id>/delete", methods=["POST"])
@super_admin_required
@protection.protected("reseller_templates.delete")
def template_delete(template_id: int):
    row = db.session.get(ResellerTemplate, template_id) or abort(404)
    audit.record("reseller_template.delete", row.number,
                 {name: [getattr(row, name), None] for name in AUDITED})
    db.session.delete(row)
    db.session.commit()
    flash(_("Template %(number)s deleted.", number=row.number), "info")
    return redirect(url_for(".template_list"))


def _apply(row: ResellerTemplate, form: TemplateForm) -> None:
    row.name = form.name.data.strip()
    row.content = form.content.data
    row.provider_template_code = (form.provider_template_code.data or "").strip()
    row.enabled = bool(form.enabled.data)


def _form_page(form: TemplateForm, row: ResellerTemplate | None):
    if form.errors:
        flash(catalog.flash_text("invalid_input"), "danger")
    return render_template("admin_resellers/template_form.html", form=form, row=row)
