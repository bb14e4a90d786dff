"""The active SMS gateway's balance, read every hour, and the low-balance notice.

SMSBao, Tencent Cloud (its SMS packages) and Twilio report a balance
(``gateways.balance``). Below ``sms.balance_low_threshold`` (0: off) the super admins get
the ``sms_balance_low`` event through the notification matrix, before sends start failing
with ``insufficient_balance``: at most once per site day, so a balance that stays low is a
daily reminder, not an hourly one. The last reading is kept in the shared cache; the SMS
tab and Diagnostics show it beside the gateway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g
from flask_babel import gettext as _
from huey import crontab

from core import clock, settings
from core.last_known import LastKnown
from extensions import cache, db, queue
from gateways.balance import SUPPORTED, describe, read_balance
from gateways.base import Gateway
from gateways.records import MESSAGES, Balance
from gateways.result import SendResult
from gateways.status import StatusQueryFailed
from models import ROLE_SUPER, Admin

log = logging.getLogger(__name__)

EVENT = "sms_balance_low"
NOTICE_KEY = "herald:sms_balance_low:day"  # the site day of the last notice


@dataclass(frozen=True)
class Reading:
    gateway: str
    checked_at: datetime
    balance: Balance | None = None
    failure: SendResult | None = None  # the query failed: the balance is unknown

    def low(self, threshold: float) -> bool:
        return self.balance is not None and self.balance.below(threshold)


def read(gateway: Gateway) -> Reading:
    """Ask the provider now (network only: any thread)."""
    try:
        return Reading(gateway.name, clock.now(), balance=read_balance(gateway))
    except StatusQueryFailed as exc:
        return Reading(gateway.name, clock.now(), failure=exc.result)


def shown(balance: Balance) -> str:
    """The balance in the reader's language (in the worker: the site's)."""
    text = describe(balance)
    if balance.unit == MESSAGES:
        return _("%(n)s messages", n=text.split()[0])
    return text


_READINGS = LastKnown("sms_balance", Reading)


def remember(reading: Reading) -> None:
    _READINGS.remember(reading.gateway, reading)


def last(gateway: str) -> Reading | None:
    return _READINGS.last(gateway)


def check_active() -> Reading | None:
    """Read the active SMS gateway's balance, keep it, and warn the admins when low."""
    from services.delivery import messaging

    name = settings.get("sms.gateway")
    if name not in SUPPORTED:
        return None
    gateway = messaging.build_gateway("sms", name)
    if gateway.missing_fields():
        return None
    reading = read(gateway)
    remember(reading)
    if reading.failure is not None:
        log.warning("balance of %s unknown: [%s] %s %s", name, reading.failure.error,
                    reading.failure.raw_code, reading.failure.raw_message)
    notify_if_low(reading)
    return reading


def notify_if_low(reading: Reading) -> bool:
    """Send ``sms_balance_low`` to the super admins when the reading is below the threshold
    and no notice went out today (site time zone); True when it was sent."""
    threshold = float(settings.get("sms.balance_low_threshold"))
    if not reading.low(threshold):
        return False
    today = _site_day()
    if cache.get(NOTICE_KEY) == today:
        return False
    cache.set(NOTICE_KEY, today, timeout=2 * 24 * 3600)
    values = {"gateway": reading.gateway, "balance": shown(reading.balance),
              "threshold": f"{threshold:g}"}
    for admin in recipients():
        _notify(admin, values)
    return True


def recipients() -> list[Admin]:
    return list(db.session.scalars(db.select(Admin).where(Admin.role == ROLE_SUPER,
                                                          Admin.active)))


def _notify(admin: Admin, values: dict[str, str]) -> None:
    from services.notify import dispatch, jobs

    try:
        jobs.notify(EVENT, admin, **values)
    except dispatch.NotifyError as exc:  # e.g. a template an admin broke
        log.warning("%s to %s refused: %s", EVENT, admin.username, exc)
    except Exception:
        db.session.rollback()
        if current_app.testing:
            raise
        log.exception("%s to %s failed", EVENT, admin.username)


def _site_day() -> str:
    from zoneinfo import ZoneInfo

    return clock.now().astimezone(ZoneInfo(settings.get("basic.timezone"))).date().isoformat()


@queue.periodic("sms_balance_check", crontab(minute="43"))
def check_periodically() -> None:
    """Every hour, in the worker."""
    g.audit_actor = "worker"
    check_active()
