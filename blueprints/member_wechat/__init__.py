"""Members bind WeChat: the official account's server URL and the member's bind pages.

``/wechat/callback`` (no CSRF: WeChat's signature is the check) and, for the signed-in
member, ``/account/wechat/bind`` (POST: the QR page), ``/account/wechat/status`` (the
page polls it) and ``/account/wechat/unbind`` (POST).
"""

from flask import Blueprint

from blueprints.member_wechat import account, callback
from extensions import csrf, limiter

bp = Blueprint("member_wechat", __name__)

bp.add_url_rule("/wechat/callback", "callback",
                csrf.exempt(limiter.limit("600/minute")(callback.callback)),
                methods=["GET", "POST"])
bp.add_url_rule("/account/wechat/bind", "bind",
                limiter.limit("10/minute")(account.bind), methods=["POST"])
bp.add_url_rule("/account/wechat/status", "status", account.status)
bp.add_url_rule("/account/wechat/unbind", "unbind", account.unbind, methods=["POST"])


@bp.app_context_processor
def _wechat_card():
    # A function, not a value: only pages that include the card pay for its queries.
    return {"wechat_binding": account.card_for}


__all__ = ["bp"]
