"""Per-account throttling of member password sign-in.

Every password attempt is a row of the login log (``login_events``, who="member"): that
table is shared by all workers and survives a Redis outage, so the throttle neither resets
nor switches off when the cache does. Failures are counted per account — the member the
phone or email belongs to, or, for an unknown one, the normalised phone or email itself, so
an unknown account behaves exactly like a known one and the answers tell nothing — since
the account's last successful password sign-in and within the last day.

From ``member.signin_captcha_after`` failures on, a try must carry a solved captcha; each
further failure makes the next try wait ``2 ** k`` seconds (k failures past the threshold,
at most ``MAX_DELAY``). A refused try is logged but not counted, so a stranger cannot push
the wait up without guessing. Nothing here touches sign-in by SMS code: the owner can always
get in that way. The owner gets an ``account_changed`` notice when the captcha turns on, at
most once per ``NOTICE_EVERY``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from core import clock, settings
from core.audit import client_ip
from core.passwords import signed_in
from core.phones import InvalidPhone, parse_phone
from extensions import db
from models import LoginEvent
from models.member import Member
from services.codes import captcha
from services.members.accounts import find_member
from services.sign_in import guard

log = logging.getLogger(__name__)

WHO = "member"
WINDOW = timedelta(days=1)  # failures older than this are forgotten
MAX_DELAY = 900  # seconds: the wait stops growing at 15 minutes
NOTICE_EVERY = timedelta(hours=1)
# Reasons (catalog codes) of the login log. A wrong password is FAILED, or NOTIFIED when that
# failure also sent the owner the notice; both count. Refused tries are logged, not counted.
FAILED = "member_login_failed"
NOTIFIED = "member_signin_throttled"
NEEDS_CAPTCHA = "member_signin_captcha"
DELAYED = "member_signin_delayed"
COUNTED = (FAILED, NOTIFIED)


@dataclass(frozen=True)
class Account:
    key: str  # the phone (E.164) or email (lower case) as logged
    member: Member | None


@dataclass(frozen=True)
class Outcome:
    member: Member | None = None  # signed in
    code: str = ""  # catalog code of a refusal
    retry_after: int = 0  # seconds before the next password try is heard
    captcha: bool = False  # the next try must carry a solved captcha


def sign_in(identifier: str, password: str, captcha_payload: str | None) -> Outcome:
    """Check a password sign-in against the throttle, then the password, and log it."""
    account = account_of(identifier)
    failures, last_failure = _failures(account)
    wait = _remaining(failures, last_failure)
    ask = captcha_needed(failures)
    if wait:
        _log(account, False, DELAYED)
        return Outcome(code=DELAYED, retry_after=wait, captcha=ask)
    if ask and not captcha.verify(captcha_payload):
        _log(account, False, NEEDS_CAPTCHA)
        return Outcome(code=NEEDS_CAPTCHA, captcha=True)
    member = signed_in(account.member, password)
    if member is not None:
        _log(account, True, "")
        return Outcome(member=member)
    failures += 1
    notify = (failures >= threshold() and account.member is not None
              and account.member.active and not _notified_lately(account))
    _log(account, False, NOTIFIED if notify else FAILED)
    if notify:
        _notify(account.member)
    return Outcome(code=FAILED, retry_after=delay(failures), captcha=captcha_needed(failures))


def required(identifier: str) -> bool:
    """Whether the next password try for ``identifier`` must carry a solved captcha."""
    return captcha_needed(_failures(account_of(identifier))[0])


def threshold() -> int:
    return settings.get("member.signin_captcha_after")


def captcha_needed(failures: int) -> bool:
    # Captcha mode "off" means the site shows no captcha at all; the wait still applies.
    return failures >= threshold() and settings.get("member.captcha_mode") != "off"


def delay(failures: int) -> int:
    """Seconds the next try waits after the latest of ``failures`` failures."""
    past = failures - threshold()
    return 0 if past <= 0 else min(2 ** min(past, 30), MAX_DELAY)


def account_of(identifier: str) -> Account:
    key = _normalised(identifier)
    member = find_member(key) if key else None
    return Account(key, member)


def _normalised(identifier: str) -> str:
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return guard.typed(identifier.lower())
    try:
        return parse_phone(identifier, check_allowed=False)
    except InvalidPhone:
        return guard.typed(identifier)


def _same_account(account: Account):
    if account.member is None:
        return (LoginEvent.username == account.key) & LoginEvent.account_id.is_(None)
    # The username condition keeps the (who, username, created_at) index in use.
    names = [name for name in (account.member.phone, account.member.email) if name]
    return LoginEvent.username.in_(names) & (LoginEvent.account_id == account.member.id)


def _failures(account: Account) -> tuple[int, datetime | None]:
    """Counted failures since the last success (by id: the clock may stand still in
    tests) and within WINDOW, with the time of the latest."""
    mine = (LoginEvent.who == WHO) & _same_account(account)
    last_success = db.session.scalar(
        db.select(db.func.max(LoginEvent.id)).where(mine, LoginEvent.success)) or 0
    count, latest = db.session.execute(
        db.select(db.func.count(), db.func.max(LoginEvent.created_at)).where(
            mine, ~LoginEvent.success, LoginEvent.reason.in_(COUNTED),
            LoginEvent.id > last_success, LoginEvent.created_at > clock.now() - WINDOW)).one()
    return count or 0, latest


def _remaining(failures: int, last_failure: datetime | None) -> int:
    wait = delay(failures)
    if not wait or last_failure is None:
        return 0
    left = (last_failure + timedelta(seconds=wait) - clock.now()).total_seconds()
    return max(0, math.ceil(left))


def _notified_lately(account: Account) -> bool:
    return db.session.scalar(db.select(LoginEvent.id).where(
        LoginEvent.who == WHO, _same_account(account), LoginEvent.reason == NOTIFIED,
        LoginEvent.created_at > clock.now() - NOTICE_EVERY).limit(1)) is not None


def _log(account: Account, success: bool, reason: str) -> None:
    guard.record(WHO, account.key, success, account.member.id if account.member else None,
                 reason=reason)


def _notify(member: Member) -> None:
    """Best effort: a notice that cannot go out must not change the sign-in's answer."""
    from services.members import notices

    try:
        notices.account_changed(member, "signin_throttled", client_ip())
    except Exception:
        db.session.rollback()
        log.exception("sign-in throttle notice for member %s failed", member.id)
