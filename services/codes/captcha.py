"""The behaviour captcha: ALTCHA proof of work, self-hosted, no third-party service.

Modes (``member.captcha_mode``): ``off``; ``always``; ``auto`` — on for everyone while the
site-wide hourly ceiling is crossed, and for an IP address that has tripped a send limit.
A challenge is signed with a key derived from ``SECRET_KEY``; each solved challenge is
accepted once (its signature is claimed in the counters table until it expires).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import altcha
from flask import current_app

from core import clock, settings
from extensions import db
from services.codes import limits as send_limits

ALGORITHM = "PBKDF2/SHA-256"
COST = 1000  # PBKDF2 iterations per guess
KEY_PREFIX = "000"  # hex: one guess in 4,096 solves it, about a second in a phone's browser
CHALLENGE_TTL = timedelta(minutes=10)
FIELD = "altcha"  # the form field the widget fills in


def required(ip: str) -> bool:
    """Whether a send from ``ip`` must carry a solved challenge now."""
    mode = settings.get("member.captcha_mode")
    if mode == "off":
        return False
    if mode == "always":
        return True
    flags = [send_limits.FLAG_EVERYONE, send_limits.ip_flag(ip)]
    return bool(send_limits.active_flags(flags))


def challenge() -> dict[str, Any]:
    """A fresh signed challenge, as the widget fetches it."""
    made = altcha.create_challenge(
        ALGORITHM, COST, key_prefix=KEY_PREFIX,
        expires_at=clock.now() + CHALLENGE_TTL, hmac_secret=_secret())
    return made.to_dict()


def verify(payload: str | None) -> bool:
    """True for a correct, unexpired solution of a challenge we signed, seen once."""
    if not payload or len(payload) > 4096:
        return False
    try:
        result = altcha.verify_solution(payload, _secret())
        parsed = altcha.Payload.from_base64(payload) if result.verified else None
    except Exception:  # a forged payload must never become a 500
        return False
    if parsed is None:
        return False
    expires = parsed.challenge.parameters.expires_at
    if not isinstance(expires, int | float):
        return False
    until = clock.now() + timedelta(seconds=max(0.0, expires - clock.now().timestamp()))
    fresh = send_limits.claim_once(f"altcha:{parsed.challenge.signature}", until)
    # Commit now: a send refused later in this request must not un-use the solution.
    db.session.commit()
    return fresh


def _secret() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"herald altcha challenges",
                    hashlib.sha256).digest()
