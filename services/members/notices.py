"""The security notice a member gets after a change of phone, email, password or protection."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core import clock, settings
from models.member import Member

log = logging.getLogger(__name__)

# The words the ``account_changed`` template puts in {{ change }}.
CHANGES = {
    "phone": _l("bound phone"),
    "email": _l("email"),
    "password": _l("password"),
    "protection": _l("password protection"),
    # Sent by services.sign_in.member_throttle when wrong passwords turn the captcha on.
    "signin_throttled": _l("password sign-in check (several wrong passwords were typed; a "
                           "captcha is now required, sign-in by SMS code still works)"),
}


def account_changed(member: Member, change: str, ip: str) -> None:
    """Tell the member, on every channel the event enables, that ``change`` happened.

    A notice that cannot go out is logged (notify records each channel's attempt); the
    change itself stands.
    """
    # Imported late: they pull in the whole dispatch chain.
    from services.notify import dispatch as notify
    from services.notify import jobs

    with force_locale(notify.member_locale(member)):
        words = str(CHANGES[change])
    try:
        jobs.notify("account_changed", member, change=words, time=_local_time(clock.now()),
                    ip=ip or "-")
    except notify.NotifyError as exc:
        log.warning("account_changed notice for member %s not sent: %s", member.id, exc)


def _local_time(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(settings.get("basic.timezone"))).strftime("%Y-%m-%d %H:%M")
