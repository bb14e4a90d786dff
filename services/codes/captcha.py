"""The behaviour captcha: ALTCHA proof of work, self-hosted, no third-party service.

Modes (``member.captcha_mode``): ``off``; ``always``; ``auto`` — on for everyone while the
site-wide hourly ceiling is crossed, for an IP address that has tripped a send limit, and
for a phone or email past its daily budget of wrong tries (``services.codes.failures``).
A challenge is signed with a key derived from ``SECRET_KEY``; each solved challenge is
accepted once (its signature is claimed in the replay store, ``core.replay``, until it
expires).

The automatic mode's flags ("captcha for everyone until ...", "for this IP until ...") are
rows of ``captcha_flags``: the send limits raise them (``services.codes.limits``), this
module reads them. They live in the database rather than the cache so every worker sees them
and a Redis outage cannot switch the captcha off during an attack.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

import altcha
from flask import current_app
from sqlalchemy.dialects import mysql, postgresql, sqlite

from core import clock, replay, settings
from extensions import db
from models.code import CaptchaFlag

ALGORITHM = "PBKDF2/SHA-256"
COST = 1000  # PBKDF2 iterations per guess
KEY_PREFIX = "000"  # hex: one guess in 4,096 solves it, about a second in a phone's browser
CHALLENGE_TTL = timedelta(minutes=10)
FIELD = "altcha"  # the form field the widget fills in
REPLAYS = "captcha"  # the replay store's namespace for solved challenges
EVERYONE = "all"  # the flag scope of "captcha for everyone"


def required(ip: str, destination: str = "") -> bool:
    """Whether a send from ``ip`` (to ``destination``, when given) must carry a solved
    challenge now."""
    mode = settings.get("member.captcha_mode")
    if mode == "off":
        return False
    if mode == "always":
        return True
    scopes = [EVERYONE, ip_scope(ip)]
    if destination:
        scopes.append(destination_scope(destination))
    return db.session.scalar(db.select(CaptchaFlag.scope).where(
        CaptchaFlag.scope.in_(scopes),
        CaptchaFlag.expires_at > clock.now()).limit(1)) is not None


def ip_scope(ip: str) -> str:
    return f"ip:{ip[:45]}"


def destination_scope(destination: str) -> str:
    """A phone or email's flag: hashed, since an email outgrows the 64-character scope and
    the flags table need not hold who is being attacked (the code log does)."""
    return "dest:" + hashlib.sha256(destination.encode()).hexdigest()[:40]


def turn_on(scope: str, until: datetime) -> None:
    """Ask ``scope`` (EVERYONE, :func:`ip_scope`, :func:`destination_scope`) for the
    captcha until ``until``.

    One upsert in the caller's transaction, so two requests tripping a limit at once both
    succeed; on MariaDB it takes the row's exclusive lock at once (no shared-lock deadlock).
    """
    values = {"scope": scope, "expires_at": until}
    dialect = db.session.get_bind().dialect.name
    if dialect == "mysql":
        upsert = mysql.insert(CaptchaFlag).values(values)
        statement = upsert.on_duplicate_key_update(expires_at=upsert.inserted.expires_at)
    else:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        upsert = insert(CaptchaFlag).values(values)
        statement = upsert.on_conflict_do_update(
            index_elements=[CaptchaFlag.scope], set_={"expires_at": upsert.excluded.expires_at})
    db.session.execute(statement)


def prune_flags(before: datetime) -> None:
    """Delete flags that ended before ``before``, in the caller's transaction."""
    db.session.execute(db.delete(CaptchaFlag).where(CaptchaFlag.expires_at < before))


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
    fresh = replay.claim(REPLAYS, str(parsed.challenge.signature), until)
    # Commit now: a send refused later in this request must not un-use the solution.
    db.session.commit()
    replay.prune_due()
    return fresh


def _secret() -> bytes:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"herald altcha challenges",
                    hashlib.sha256).digest()
