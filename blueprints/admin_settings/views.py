"""System → Global settings: one tab per settings group, saved as a whole."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from blueprints.guards import admin_blueprint
from core import catalog, settings
from core.settings import forms

bp = admin_blueprint("admin_settings", __name__, "/settings")


def visible_groups() -> list:
    return [group for name, group in settings.GROUPS.items() if settings.in_group(name)]


@bp.route("/")
def index():
    return redirect(url_for(".tab", group="basic"))


@bp.route("/<group>", methods=["GET", "POST"])
def tab(group: str):
    if group not in settings.GROUPS or not settings.in_group(group):
        abort(404)
    form = forms.build_form(group)
    if form.validate_on_submit():
        try:
            changes = settings.update(forms.submitted_values(form, group),
                                      action="settings.update", target=group)
        except settings.SettingsInvalid as exc:
            forms.attach_errors(form, exc.errors)
        else:
            if changes:
                flash(_("Settings saved: %(n)d changed.", n=len(changes)), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for(".tab", group=group))
    if form.errors or form.form_errors:
        flash(f"[invalid_input] {catalog.message('invalid_input')}", "danger")
    return render_template(
        "admin_settings/tab.html",
        form=form,
        group=settings.GROUPS[group],
        groups=visible_groups(),
        sections=forms.sections(group),
        stored_secrets={forms.field_name(s.name) for s in settings.in_group(group)
                        if s.secret and settings.is_set(s.name)},
    )
