"""System → Notification templates: the event × channel matrix (seed 000) and its editors."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.admin_templates import editor
from blueprints.admin_templates.forms import TemplateForm, format_mapping
from blueprints.guards import admin_blueprint
from core import catalog, protection
from core.translation import supported
from services.notify import events
from services.notify import matrix as event_settings
from services.notify.events import ALL_CHANNELS
from services.templates import store as template_store

bp = admin_blueprint("admin_templates", __name__, "/templates")


@bp.route("/", methods=["GET", "POST"])
def index():
    errors: dict[str, str] = {}
    if request.method == "POST":
        wanted = _submitted_matrix()
        errors = _matrix_errors(wanted)
        if not errors:
            refusal = protection.require("templates.matrix")  # SPEC 7: templates need a code
            if refusal is not None:
                return refusal
            changes = event_settings.save(wanted)
            flash(_("Notification settings saved: %(n)d changed.", n=len(changes))
                  if changes else _("Nothing changed."), "success" if changes else "info")
            return redirect(url_for(".index"))
        flash(f"[invalid_input] {catalog.message('invalid_input')}", "danger")
    matrix = _submitted_matrix() if errors else event_settings.matrix()
    return render_template("admin_templates/index.html", matrix=matrix, errors=errors,
                           business=[e for e in events.EVENTS.values() if not e.scene],
                           scenes=[e for e in events.EVENTS.values() if e.scene],
                           channels=ALL_CHANNELS, customised=template_store.customised())


def _submitted_matrix() -> dict[str, event_settings.Switches]:
    form = request.form
    return {name: event_settings.Switches(
        enabled=event.locked or form.get(f"{name}.enabled") == "on",
        channels=tuple(c for c in event.channels if form.get(f"{name}.{c}") == "on"))
        for name, event in events.EVENTS.items()}


def _matrix_errors(wanted: dict[str, event_settings.Switches]) -> dict[str, str]:
    # A locked event with no channel could never deliver an operation-protection code,
    # which would lock every admin out of protected actions.
    return {name: _("Keep at least one channel: this event cannot be turned off.")
            for name, event in events.EVENTS.items()
            if event.locked and not wanted[name].channels}


def _event_channel(name: str, channel: str, locale: str) -> events.Event:
    event = events.EVENTS.get(name)
    if event is None or channel not in event.channels or locale not in supported():
        abort(404)
    return event


@bp.route("/<name>/<channel>/<locale>", methods=["GET", "POST"])
def edit(name: str, channel: str, locale: str):
    event = _event_channel(name, channel, locale)
    form = TemplateForm()
    form.label_for(channel)
    if request.method == "GET":
        _fill(form, template_store.current(name, channel, locale))
        return _render(event, channel, locale, form)
    if not form.validate_on_submit():
        return _render(event, channel, locale, form, invalid=True)
    if form.save.data:
        # Refuse a bad template inline first: asking for a code to save it would waste one.
        if not editor.acceptable(event, channel, form):
            return _render(event, channel, locale, form, problems=True)
        length = editor.length_warning(event, channel, form)
        if length is not None:  # before the code is asked: a warning should not cost one
            return _render(event, channel, locale, form, length=length, confirm_length=True)
        refusal = protection.require("templates.save")
        if refusal is not None:
            return refusal
        return editor.save(event, channel, locale, form, current_user.username) or \
            _render(event, channel, locale, form, problems=True)
    if form.test.data:
        return _render(event, channel, locale, form, **editor.test_send(event, channel, form))
    return _render(event, channel, locale, form, **editor.preview(event, channel, form))


@bp.route("/<name>/<channel>/<locale>/restore", methods=["POST"])
@protection.protected("templates.restore")
def restore(name: str, channel: str, locale: str):
    event = _event_channel(name, channel, locale)
    if template_store.restore(event, channel, locale):
        flash(_("The default template was restored."), "success")
    else:
        flash(_("This template already is the default."), "info")
    return redirect(url_for(".edit", name=name, channel=channel, locale=locale))


def _fill(form: TemplateForm, parts: dict) -> None:
    for part, value in parts.items():
        form[part].data = format_mapping(value) if part == "params" else value


def _render(event: events.Event, channel: str, locale: str, form: TemplateForm,
            invalid: bool = False, **extra):
    if invalid and not extra.get("problems"):
        flash(f"[invalid_input] {catalog.message('invalid_input')}", "danger")
    return render_template(
        "admin_templates/edit.html", event=event, channel=channel, locale=locale, form=form,
        parts=template_store.CHANNEL_PARTS[channel], locales=supported(),
        is_customised=template_store.stored(event.name, channel, locale) is not None,
        sms_sign=editor.active_sign() if channel == "sms" else "", **extra)
