"""The admin landing page: what is configured, what was sent today and this week, and
what needs attention (failure codes, send-limit refusals, the delivery worker)."""

from __future__ import annotations

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _

from blueprints.admin_home import chart, links
from blueprints.guards import admin_blueprint
from core import settings
from extensions import queue
from gateways.base import gateway_class
from services.diagnostics import queue as queue_panel
from services.logs import overview as figures

bp = admin_blueprint("admin_home", __name__, "")

CHANNEL_GATEWAYS = (("sms", "sms.gateway"), ("email", "email.gateway"),
                    ("wechat", "wechat.gateway"))


@bp.route("/")
def index():
    found = figures.overview()
    ranges = {"today": (found.today.isoformat(),) * 2,
              "week": (found.days[0].isoformat(), found.today.isoformat())}
    labels = [format_skeleton("MMMd", day, locale=get_locale()) for day in found.days]
    return render_template(
        "admin_home/index.html", overview=found, ranges=ranges,
        gateways=[(channel, settings.get(key)) for channel, key in CHANNEL_GATEWAYS],
        chart=chart.data(found, labels), worker=None if queue.immediate else queue_panel.panel(),
        gateway_name=gateway_name, channel_names=chart.channel_names(), links=links,
        day_labels=(labels[-1], labels[0]))


def gateway_name(channel: str, name: str) -> str:
    """The provider's name as the settings tabs show it; the name itself if unknown."""
    if channel == "insite":
        return _("Member inbox")
    if name == "off":  # WeChat may be switched off
        return _("Off")
    try:
        return str(gateway_class(channel, name).label)
    except LookupError:
        return name

