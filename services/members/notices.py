"""The security notice a member gets after a change of phone, email, password or protection,
and the one the replaced phone or email gets."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core import clock, settings
from core.phones import greeting_phone
from extensions import db
from models.member import Member
from models.queue import KIND_EVENT

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


def tell_old_destination(member: Member, change: str, old: str, ip: str) -> None:
    """Send the ``account_changed`` notice to the phone or email ``old`` that ``change``
    just replaced: the member's own channels now lead to the new one, and whoever held the
    old one must hear of it (a stolen session could otherwise move the account quietly).

    The notification matrix still rules: with the event or that channel switched off,
    nothing goes. A notice that cannot be rendered is logged; the change stands.
    """
    from services.delivery import outgoing
    from services.notify import dispatch, events
    from services.notify import matrix as event_settings

    spec = events.get("account_changed")
    channel = events.EMAIL if "@" in old else events.SMS
    if not event_settings.get(spec.name).on(channel):
        return
    locale = dispatch.member_locale(member)
    with force_locale(locale):
        words = str(CHANGES[change])
    try:
        # Greet the old destination's holder by that destination, not by the new phone.
        values = dispatch.prepare_variables(spec, {
            "change": words, "time": _local_time(clock.now()), "ip": ip or "-",
            "member_name": old if channel == events.EMAIL else greeting_phone(old)})
        rendered = dispatch.render_all(spec, (channel,), locale, values)[channel]
    except dispatch.NotifyError as exc:
        log.warning("account_changed notice to the old %s of member %s not sent: %s",
                    change, member.id, exc)
        return
    queued = outgoing.add(channel, dispatch.message_for(spec, old, rendered),
                          kind=KIND_EVENT, member_id=member.id)
    db.session.commit()
    outgoing.hand_over([queued])


def _local_time(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(settings.get("basic.timezone"))).strftime("%Y-%m-%d %H:%M")
