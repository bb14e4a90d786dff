"""A fake api.weixin.qq.com for QR binding: access tokens, temporary QR codes and the
template messages a bound member then receives.

``POST /cgi-bin/qrcode/create?access_token=`` takes ``{"expire_seconds", "action_name":
"QR_STR_SCENE", "action_info": {"scene": {"scene_str"}}}`` and answers ``{"ticket",
"expire_seconds", "url"}``, refusing what WeChat refuses (a scene string over 64
characters, an expiry over 30 days, an unknown or missing token).
"""

from __future__ import annotations

import itertools
import secrets

from tests.fakes.httpserver import FakeServer, Reply, Request

APP_ID, APP_SECRET = "wx8a3b2c1d0e9f7a6b", "3f1e8d2c7b6a5f4e3d2c1b0a9f8e7d6c"
MAX_EXPIRE = 2592000  # 30 days: WeChat's limit for temporary QR codes


class FakeWechatQr:
    def __init__(self, server: FakeServer, app_id: str = APP_ID,
                 app_secret: str = APP_SECRET) -> None:
        self.app_id, self.app_secret = app_id, app_secret
        self.serial = itertools.count(1)
        self.valid_tokens: set[str] = set()
        self.qr_error: dict | None = None  # answer every QR request with this
        self.scenes: list[str] = []  # scene_str of every QR code made, in order
        self.urls: dict[str, str] = {}  # scene -> the url its QR code encodes
        self.sent: list[dict] = []  # template message bodies
        server.route("/cgi-bin/token", self.token)
        server.route("/cgi-bin/qrcode/create", self.create)
        server.route("/cgi-bin/message/template/send", self.send)

    def token(self, request: Request) -> Reply:
        query = {name: values[-1] for name, values in request.query.items()}
        if query.get("grant_type") != "client_credential":
            return Reply.json({"errcode": 40002, "errmsg": "invalid grant_type"})
        if query.get("appid") != self.app_id:
            return Reply.json({"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("secret") != self.app_secret:
            return Reply.json({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = f"ACCESS_TOKEN_{next(self.serial)}_{secrets.token_hex(8)}"
        self.valid_tokens.add(token)
        return Reply.json({"access_token": token, "expires_in": 7200})

    def create(self, request: Request) -> Reply:
        token = request.query.get("access_token", [""])[-1]
        if request.method != "POST":
            return Reply.json({"errcode": 43002, "errmsg": "require POST method"})
        if token not in self.valid_tokens:
            return Reply.json({"errcode": 40001, "errmsg": "invalid credential"})
        if self.qr_error:
            return Reply.json(self.qr_error)
        body = request.json()
        scene = ((body.get("action_info") or {}).get("scene") or {}).get("scene_str", "")
        expire = body.get("expire_seconds")
        if body.get("action_name") != "QR_STR_SCENE" or not 1 <= len(scene) <= 64:
            return Reply.json({"errcode": 40053, "errmsg": "invalid action info"})
        if not isinstance(expire, int) or not 60 <= expire <= MAX_EXPIRE:
            return Reply.json({"errcode": 40009, "errmsg": "invalid expire_seconds"})
        ticket = "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xLzAy" + secrets.token_hex(6)
        url = "http://weixin.qq.com/q/02" + secrets.token_urlsafe(12)
        self.scenes.append(scene)
        self.urls[scene] = url
        return Reply.json({"ticket": ticket, "expire_seconds": expire, "url": url})

    def send(self, request: Request) -> Reply:
        if request.query.get("access_token", [""])[-1] not in self.valid_tokens:
            return Reply.json({"errcode": 40001, "errmsg": "invalid credential"})
        body = request.json()
        if not body.get("touser") or not body.get("template_id"):
            return Reply.json({"errcode": 47001, "errmsg": "data format error"})
        self.sent.append(body)
        return Reply.json({"errcode": 0, "errmsg": "ok", "msgid": 200228332 + len(self.sent)})

    def revoke_tokens(self) -> None:
        self.valid_tokens.clear()
