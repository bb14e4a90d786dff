"""List, create (keys shown once), disable / enable and delete event API clients."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blueprints.guards import admin_blueprint, super_admin_required
from core import catalog, protection
from models import ApiClient
from services.notify import api_clients as event_clients

bp = admin_blueprint("admin_api_clients", __name__, "/api-clients")


class ClientForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Who uses these keys, e.g. the billing system."))
    submit = SubmitField(_l("Create client"))


@bp.route("/")
def index():
    return _page(ClientForm(formdata=None))


@bp.route("/", methods=["POST"])
@super_admin_required
@protection.protected("event_clients.create")
def create():
    form = ClientForm()
    if not form.validate_on_submit():
        flash(f"[invalid_input] {catalog.message('invalid_input')}", "danger")
        return _page(form)
    credentials = event_clients.create(form.name.data.strip())
    flash(_("Client created. Copy the API key and sign key now: they are not shown again."),
          "warning")
    response = _page(ClientForm(formdata=None), credentials=credentials)
    response.headers["Cache-Control"] = "no-store"  # the keys must not stay in a cache
    return response


@bp.route("/<int:api_client_id>/active", methods=["POST"])
@super_admin_required
@protection.protected("event_clients.toggle")
def toggle(api_client_id: int):
    client = _client(api_client_id)
    event_clients.set_active(client, not client.active)
    flash(_("Client %(id)s enabled.", id=client.client_id) if client.active else
          _("Client %(id)s disabled.", id=client.client_id), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:api_client_id>/delete", methods=["POST"])
@super_admin_required
@protection.protected("event_clients.delete")
def delete(api_client_id: int):
    client = _client(api_client_id)
    client_id = client.client_id
    event_clients.delete(client)
    flash(_("Client %(id)s deleted.", id=client_id), "success")
    return redirect(url_for(".index"))


def _client(api_client_id: int) -> ApiClient:
    client = event_clients.get(api_client_id)
    if client is None:
        abort(404)
    return client


def _page(form: ClientForm, credentials=None):
    return make_response(render_template(
        "admin_api_clients/index.html", form=form, clients=event_clients.all_clients(),
        credentials=credentials))
