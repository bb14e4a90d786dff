"""Binding a member's WeChat: a one-time QR scene, the scan that binds, unbinding.

The member asks for a QR code (``start``); WeChat then pushes ``subscribe`` or ``SCAN``
with the scene to ``/wechat/callback`` and ``scan`` binds the follower's openid to the
member who asked. ``members.wechat_openid`` is kept equal to the active binding's openid,
because dispatch, fan-out, the admin search and the tracer read the address there.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from core import clock, settings
from core.catalog.refusal import Refusal
from core.i18n import normalise
from core.settings.registry import group_check
from extensions import db
from gateways.wechat import OPENID, QR_SECONDS, QrTicket, WechatFailed, WechatMpGateway
from gateways.wechat_crypto import WechatCryptoError, aes_key
from models import Member, WechatBinding, WechatBindToken
from models.wechat_binding import BINDING_ACTIVE, BINDING_UNSUBSCRIBED
from services.delivery.messaging import build_gateway

log = logging.getLogger(__name__)

SCENE_PREFIX = "bind_"  # other scenes (a poster's QR code, say) are none of Herald's business
BOUND, ALREADY_BOUND = "bound", "already_bound"
EXPIRED, TAKEN = "wechat_bind_expired", "wechat_openid_taken"  # catalog codes


class BindUnavailable(Refusal):
    """No QR code for the member: ``code`` is the catalog code (``not_configured`` or the
    gateway's failure)."""


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan did: ``BOUND``, ``ALREADY_BOUND``, ``EXPIRED`` or ``TAKEN``."""

    result: str
    member: Member | None = None


def available() -> bool:
    """Binding works only with the official account on and its credentials and Token set."""
    return settings.get("wechat.gateway") == WechatMpGateway.name and all(
        settings.get(f"wechat.mp.{name}") for name in ("app_id", "app_secret", "token"))


@group_check("wechat")
def _check_encoding_aes_key(values) -> dict:
    """A mistyped EncodingAESKey would fail every safe-mode push: refuse it at save."""
    key = values.get("wechat.mp.encoding_aes_key") or ""
    try:
        if key:
            aes_key(key)
    except WechatCryptoError:
        return {"wechat.mp.encoding_aes_key": _l(
            "The EncodingAESKey is the 43 letters and digits shown in the official account's "
            "console; copy it again.")}
    return {}


def binding_of(member: Member) -> WechatBinding | None:
    return db.session.scalar(db.select(WechatBinding).where(WechatBinding.member_id == member.id))


def start(member: Member) -> QrTicket:
    """A fresh one-time QR code for ``member``; earlier unused ones stop working."""
    if not available():
        raise BindUnavailable("not_configured", "WeChat official account or Token not set")
    now = clock.now()
    db.session.execute(db.delete(WechatBindToken).where(
        (WechatBindToken.member_id == member.id) | (WechatBindToken.expires_at < now)))
    scene = SCENE_PREFIX + secrets.token_urlsafe(24)
    try:  # the configured gateway: it shares the access token with the template sends
        ticket = build_gateway("wechat", WechatMpGateway.name).qr_ticket(scene, QR_SECONDS)
    except WechatFailed as exc:
        db.session.rollback()
        log.warning("WeChat QR code refused [%s]: %s", exc.result.error, exc.result.raw_message)
        raise BindUnavailable(exc.result.error, exc.result.raw_message) from exc
    lifetime = min(ticket.expire_seconds, QR_SECONDS)
    db.session.add(WechatBindToken(member_id=member.id, scene_hash=_hash(scene),
                                   expires_at=now + timedelta(seconds=lifetime)))
    db.session.commit()
    return ticket


def scene_of(event: str, event_key: str) -> str:
    """The bind scene in a ``subscribe`` (``qrscene_<scene>``) or ``SCAN`` (``<scene>``)
    event key; empty when the event carries none of Herald's scenes."""
    key = event_key or ""
    if event == "subscribe":
        key = key.removeprefix("qrscene_") if key.startswith("qrscene_") else ""
    return key if key.startswith(SCENE_PREFIX) and len(key) <= 64 else ""


def scan(openid: str, scene: str) -> ScanOutcome:
    """Bind ``openid`` to the member whose one-time ``scene`` it is (the caller commits)."""
    if not OPENID.fullmatch(openid or ""):
        return ScanOutcome(EXPIRED)
    now = clock.now()
    token = db.session.scalar(db.select(WechatBindToken).where(
        WechatBindToken.scene_hash == _hash(scene)).with_for_update())
    if token is None or token.used_at is not None or token.expires_at <= now:
        return ScanOutcome(EXPIRED)
    token.used_at = now
    member = db.session.get(Member, token.member_id)
    holder = db.session.scalar(db.select(WechatBinding).where(
        WechatBinding.active_openid == openid))
    if holder is not None and holder.member_id != member.id:
        return ScanOutcome(TAKEN, member)
    if holder is not None:
        return ScanOutcome(ALREADY_BOUND, member)
    try:
        with db.session.begin_nested():  # a concurrent scan of the same openid loses here
            _bind(member, openid, now)
    except IntegrityError:
        return ScanOutcome(TAKEN, member)
    return ScanOutcome(BOUND, member)


def _bind(member: Member, openid: str, now) -> None:
    binding = binding_of(member) or WechatBinding(member_id=member.id)
    binding.openid = binding.active_openid = openid
    binding.status, binding.bound_at, binding.changed_at = BINDING_ACTIVE, now, now
    db.session.add(binding)
    member.wechat_openid = openid
    db.session.flush()


def unbind(member: Member) -> bool:
    """Forget the member's binding; False when there was none."""
    binding = binding_of(member)
    member.wechat_openid = ""
    if binding is None:
        db.session.commit()
        return False
    db.session.delete(binding)
    db.session.commit()
    return True


def unsubscribed(openid: str) -> Member | None:
    """The follower unfollowed: their binding stops receiving (the caller commits)."""
    binding = db.session.scalar(db.select(WechatBinding).where(
        WechatBinding.active_openid == openid))
    if binding is None:
        return None
    binding.status, binding.active_openid = BINDING_UNSUBSCRIBED, None
    binding.changed_at = clock.now()
    member = db.session.get(Member, binding.member_id)
    member.wechat_openid = ""
    return member


def reply_text(outcome: ScanOutcome) -> str:
    """The short passive reply the follower reads in WeChat, in the member's language."""
    member = outcome.member
    locale = normalise(getattr(member, "language", "") or "") or \
        settings.get("basic.default_language")
    with force_locale(locale):
        site = settings.get("basic.site_name")
        if outcome.result in (BOUND, ALREADY_BOUND):
            return _("Your WeChat is now bound to your %(site)s account; notifications will "
                     "arrive here.", site=site)
        if outcome.result == TAKEN:
            return _("This WeChat is already bound to another %(site)s account. Unbind it "
                     "there first.", site=site)
        return _("This QR code has expired or was already used. Open your account page and "
                 "press Bind WeChat again.")


def masked_openid(openid: str) -> str:
    """Enough of an openid to recognise it on the account page, not to copy it."""
    return f"{openid[:4]}…{openid[-4:]}" if len(openid) > 10 else "…"


def _hash(scene: str) -> str:
    return hashlib.sha256(scene.encode("utf-8")).hexdigest()
