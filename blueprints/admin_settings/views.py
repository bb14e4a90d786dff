"""System → Global settings: one tab per settings group, saved as a whole."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin_settings import provider_status, test_send
from blueprints.guards import admin_blueprint
from core import catalog, protection, settings
from core.settings import forms
from services.delivery import messaging

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
        values = forms.submitted_values(form, group)
        try:
            sensitive = sensitive_changes(values)
            if sensitive and not current_user.is_super:
                abort(403)  # operators may not touch credentials or security rules
            refusal = protection.require(f"settings.{group}") if sensitive else None
            if refusal is not None:
                return refusal
            warnings = provider_check(group, values)  # once the code is confirmed
            changes = settings.update(values, action="settings.update", target=group)
        except settings.SettingsInvalid as exc:
            forms.attach_errors(form, exc.errors)
        else:
            if changes:
                flash(_("Settings saved: %(n)d changed.", n=len(changes)), "success")
            else:
                flash(_("Nothing changed."), "info")
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for(".tab", group=group))
    if form.errors or form.form_errors:
        flash(f"[invalid_input] {catalog.message('invalid_input')}", "danger")
    return render_tab(group, form)


@bp.route("/<group>/test-send", methods=["POST"])
def test(group: str):
    if group not in test_send.TEST_CHANNELS:
        abort(404)
    test_form = test_send.TestSendForm()
    result = None
    if test_form.validate_on_submit():
        try:
            result = test_send.run(group, test_form)
        except ValueError as exc:
            test_form.destination.errors = [str(exc)]
    return render_tab(group, forms.build_form(group), test_form=test_form, test_result=result)


def provider_check(group: str, values: dict) -> list[str]:
    """The SMS tab asks the provider about the signature and templates first: a refused or
    unknown signature refuses the save (SettingsInvalid), the rest are warnings."""
    if group != "sms":
        return []
    errors, warnings = provider_status.before_save(settings.validate(values))
    if errors:
        raise settings.SettingsInvalid(errors)
    return warnings


@bp.route("/sms/provider-check", methods=["POST"])
def provider_check_now():
    """The SMS tab's "Check now": the active gateway's records and balance, now."""
    status = provider_status.check_now()
    if not status.checkable:
        flash(_("%(gateway)s reports neither template states nor a balance.",
                gateway=status.gateway), "info")
    else:
        flash(_("The provider's records of %(gateway)s were read again.",
                gateway=status.gateway), "info")
    return redirect(url_for(".tab", group="sms") + "#provider-status")


def sensitive_changes(values: dict) -> list[str]:
    """Names of operation-protected settings this submission would change.

    Validates first (raising SettingsInvalid), so the admin never confirms a code only to
    be told the form was wrong.
    """
    clean = settings.validate(values)
    return [name for name, value in clean.items()
            if settings.lookup(name).sensitive and (settings.lookup(name).secret
                                                    or value != settings.get(name))]


def render_tab(group: str, form, test_form=None, test_result=None):
    testable = group in test_send.TEST_CHANNELS
    return render_template(
        "admin_settings/tab.html",
        test_form=test_form or (test_send.TestSendForm(formdata=None) if testable else None),
        test_result=test_result,
        breakers=_breakers(group) if group == "sms" else [],
        provider=provider_status.current() if group == "sms" else None,
        active_gateway=settings.get(f"{group}.gateway") if testable else None,
        form=form,
        group=settings.GROUPS[group],
        groups=visible_groups(),
        sections=forms.sections(group),
        stored_secrets={forms.field_name(s.name) for s in settings.in_group(group)
                        if s.secret and settings.is_set(s.name)},
    )


def _breakers(channel: str) -> list:
    breaker = messaging.breaker(channel)
    return [(name, breaker.state(f"{channel}.{name}")) for name in messaging.chain(channel)]
