"""``/wechat/callback``: the server URL configured in the official account's console.

``GET`` is the console's URL check (echo ``echostr`` when the signature matches the Token);
``POST`` carries event pushes, in plaintext or safe mode. A push that is not signed by the
configured account, or is too old, is refused with 403 and logged with its catalog code;
anything else unexpected is answered "success" (WeChat would only retry, then tell the
follower the account cannot serve them) and logged. Never a 5xx.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Response, request

from blueprints.member_wechat.push import (
    MAX_BODY,
    MAX_SKEW,
    Keys,
    PushRefused,
    Unreadable,
    check_url,
    open_push,
    sealed,
    text_reply,
)
from core import clock, replay, settings
from extensions import db
from services.members import wechat_binding

log = logging.getLogger(__name__)

REPLAYS = "wechat_push"
SUCCESS = "success"


def keys() -> Keys:
    return Keys(token=str(settings.get("wechat.mp.token") or ""),
                encoding_aes_key=str(settings.get("wechat.mp.encoding_aes_key") or ""),
                app_id=str(settings.get("wechat.mp.app_id") or ""))


def callback() -> Response:
    try:
        return _answer()
    except Exception:  # never a 5xx to WeChat: it would retry and then fail the follower
        db.session.rollback()
        log.exception("WeChat push failed inside Herald")
        return _text(SUCCESS)


def _answer() -> Response:
    config = keys()
    if not config.token:
        log.warning("WeChat push refused [not_configured]: no Token under Global settings")
        return _text("", 403)
    now = clock.now().timestamp()
    query = request.args.to_dict()
    try:
        if request.method == "GET":
            return _text(check_url(config, query, now))
        # Read at most one byte past the limit: parse_xml refuses what is longer.
        push = open_push(config, query, request.stream.read(MAX_BODY + 1), now)
    except PushRefused as exc:
        log.warning("WeChat push refused [%s]: %s", exc.code, exc.detail)
        return _text("", 403)
    except Unreadable as exc:
        log.warning("WeChat push not understood: %s", exc)
        return _text(SUCCESS)
    expires = clock.now() + timedelta(seconds=2 * MAX_SKEW)  # past any timestamp we accept
    if not replay.claim(REPLAYS, push.replay_key, expires):
        return _text(SUCCESS)  # WeChat's retry of a push already handled
    reply = _handle(push.fields)
    db.session.commit()
    if not reply:
        return _text(SUCCESS)
    xml = text_reply(push.fields.get("FromUserName", ""), push.fields.get("ToUserName", ""),
                     reply, now)
    body = sealed(config, xml, now) if push.encrypted else xml
    return Response(body, 200, content_type="application/xml; charset=utf-8")


def _handle(fields: dict[str, str]) -> str:
    """Act on an event; the passive reply's text, or "" for none."""
    if fields.get("MsgType") != "event":
        return ""
    event, openid = fields.get("Event", ""), fields.get("FromUserName", "")
    if event == "unsubscribe":
        member = wechat_binding.unsubscribed(openid)
        if member is not None:
            log.info("WeChat follower of member %s unfollowed: binding inactive", member.id)
        return ""
    if event not in ("subscribe", "SCAN"):
        return ""
    scene = wechat_binding.scene_of(event, fields.get("EventKey", ""))
    if not scene:
        return ""
    outcome = wechat_binding.scan(openid, scene)
    if outcome.result not in (wechat_binding.BOUND, wechat_binding.ALREADY_BOUND):
        log.info("WeChat bind scan refused [%s]", outcome.result)
    return wechat_binding.reply_text(outcome)


def _text(body: str, status: int = 200) -> Response:
    return Response(body, status, content_type="text/plain; charset=utf-8")
