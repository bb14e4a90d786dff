"""The daily budget of wrong code tries per destination (phone or email).

A code only counts the wrong tries of the binding that asked for it, so a stranger cannot
kill someone else's code. What bounds guessing against one destination across bindings is
the daily send cap (each code takes at most ``member.code_max_attempts`` wrong tries); this
budget is the alarm on top of it: past ``member.daily_failure_budget`` wrong tries in one
day, the captcha turns on for that destination and for the IP address of each code still
being guessed, and the admins get a site alert (once per destination and day). No code is
killed by it: the owner keeps signing in.

The count is a row of ``code_send_counters`` (``fail:dest:<destination>``, reset at the
site's midnight like the daily caps), taken in the transaction that counts the wrong try.
"""

from __future__ import annotations

from datetime import datetime

from core import clock, settings
from extensions import db
from models.alert import ALERT_FAILURE_BUDGET, SiteAlert
from services.codes import captcha
from services.codes.limits import FLAG_TRIPPED_FOR, count


def record(destination: str, ip: str, now: datetime) -> int:
    """Count one wrong try against ``destination`` (the try's code was asked for from
    ``ip``); past the budget, turn the captcha on and alert. Returns the day's count.

    Runs in the caller's transaction; the caller commits.
    """
    rules = settings.get_many(["member.daily_failure_budget", "basic.timezone"])
    budget = rules["member.daily_failure_budget"]
    day_end = clock.next_midnight(now, rules["basic.timezone"])
    failures = count(("fail", "dest", destination), day_end, now)
    if failures <= budget:
        return failures
    # Every try past the budget renews the flags, so an attacker who moves to another IP
    # (another code, asked for from there) is asked for the captcha there too.
    captcha.turn_on(captcha.destination_scope(destination), day_end)
    if ip:
        captcha.turn_on(captcha.ip_scope(ip), now + FLAG_TRIPPED_FOR)
    if failures == budget + 1:  # exactly one request sees the step past the budget
        db.session.add(SiteAlert(
            kind=ALERT_FAILURE_BUDGET,
            message=f"More than {budget} wrong verification codes were entered for "
                    f"{destination} today; the captcha is now on for it.",
            details={"budget": budget, "destination": destination, "at": now.isoformat()}))
    return failures
