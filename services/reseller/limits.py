"""The upstream's own send limits, applied to reseller sends through ``services.codes.limits``.

A reseller's volume is bounded by its quota and its requests per minute; what the upstream
adds is the per-phone daily cap (Member settings), counted on the same counter as the
upstream's own verification codes: one phone cannot be flooded by sending half the
messages through a reseller. The per-IP and per-account caps, the per-scene interval and
the hourly ceiling (which turns the members' captcha on) do not apply: a reseller is one
server sending for many people, often several notices to one phone in a minute.
"""

from __future__ import annotations

from core import clock, settings
from services.codes import limits as send_limits


def daily_key(phone: str) -> str:
    """The counter ``services.codes.limits`` keeps for a phone's daily cap."""
    return f"day:dest:{phone}"


def reserve(phone: str) -> bool:
    """Take one of the phone's daily sends; False at the cap. The caller commits."""
    now = clock.now()
    cap = settings.get("member.daily_cap_phone")
    resets_at = clock.next_midnight(now, settings.get("basic.timezone"))
    return send_limits.take(daily_key(phone), cap, resets_at, now)
