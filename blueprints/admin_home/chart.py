"""The Overview's chart: sent and failed per day, one stacked bar per channel.

Chart.js draws it from JSON the page carries (static/js/overview.js); a click on a bar
opens the log of that channel, result and day.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from blueprints.admin_home import links
from services.logs.overview import Overview


def channel_names() -> dict[str, str]:
    return {"sms": _("SMS"), "email": _("Email"), "insite": _("In-site"), "wechat": _("WeChat")}


def data(found: Overview, labels: list[str]) -> dict[str, Any]:
    names = channel_names()
    datasets = []
    for channel, per_day in found.per_day.items():
        for status, word in (("sent", _("Sent")), ("failed", _("Failed"))):
            datasets.append({
                "label": f"{names.get(channel, channel)} · {word}", "stack": channel,
                "status": status, "channel": channel,
                "data": [getattr(figures, status) for figures in per_day],
                "links": [links.notification_log((day.isoformat(),) * 2, channel=channel,
                                                 status=status) for day in found.days],
            })
    return {"labels": labels, "datasets": datasets}
