"""The member's side of WeChat binding: the account-page card, the QR page, polling, unbind.

The account page includes ``member_wechat/_bind_card.html``; the card reads its data from
the ``wechat_binding()`` template global, so the account page's view needs to know nothing
about WeChat.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from core import catalog
from core.member_auth import current_member, member_required
from models import Member, WechatBinding
from services.members import wechat_binding

QR_SCALE = 6  # module size in the SVG's own units; the page scales the image to fit


@dataclass(frozen=True)
class BindingCard:
    """What the account-page card shows."""

    available: bool
    binding: WechatBinding | None

    @property
    def active(self) -> bool:
        return self.binding is not None and self.binding.active

    @property
    def openid(self) -> str:
        return wechat_binding.masked_openid(self.binding.openid) if self.binding else ""


def card_for(member: Member | None = None) -> BindingCard | None:
    """The card of ``member`` (default: the signed-in member); None when signed out."""
    member = member or current_member()
    if member is None:
        return None
    return BindingCard(wechat_binding.available(), wechat_binding.binding_of(member))


@member_required
def bind():
    member = current_member()
    try:
        ticket = wechat_binding.start(member)
    except wechat_binding.BindUnavailable as exc:
        flash(_("WeChat binding is not available right now (%(reason)s). Please try again "
                "later or contact support.", reason=catalog.message(exc.code)), "error")
        return redirect(url_for("member_account.index"))
    qr = segno.make(ticket.url, error="m").svg_data_uri(scale=QR_SCALE, border=2)
    return render_template("member_wechat/bind.html", qr=qr,
                           expires_in=ticket.expire_seconds,
                           status_url=url_for("member_wechat.status"),
                           done_url=url_for("member_account.index"))


@member_required
def status():
    binding = wechat_binding.binding_of(current_member())
    return jsonify(bound=bool(binding and binding.active),
                   status=binding.status if binding else "none",
                   openid=wechat_binding.masked_openid(binding.openid) if binding else "")


@member_required
def unbind():
    if wechat_binding.unbind(current_member()):
        flash(_("WeChat is unbound; WeChat notifications stop."), "success")
    return redirect(url_for("member_account.index"))
