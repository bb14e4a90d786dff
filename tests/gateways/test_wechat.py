"""The WeChat ``mp`` gateway against a fake api.weixin.qq.com that checks the real protocol."""

from __future__ import annotations

import itertools

import pytest

from gateways.base import Message
from gateways.wechat import WechatMpGateway
from tests.fakes.httpserver import FakeServer, Reply, Request

APP_ID, APP_SECRET = "wx8a3b2c1d0e9f7a6b", "3f1e8d2c7b6a5f4e3d2c1b0a9f8e7d6c"
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
TEMPLATE_ID = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
MESSAGE = Message(
    to=OPENID,
    template_code=TEMPLATE_ID,
    params={"first": "您的服务器已开通", "keyword1": "HK-2C4G", "remark": {"value": "感谢使用",
                                                                         "color": "#173177"}},
    link="https://panel.example.com/servers/42",
)
OK = {"errcode": 0, "errmsg": "ok", "msgid": 200228332}


class DictStore:
    """The three calls the gateway may use, over a dict; shared by "two workers" below."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.timeouts: dict[str, object] = {}

    def get(self, key):
        return self.values.get(key)

    def set(self, key, value, timeout=None):
        self.values[key], self.timeouts[key] = value, timeout
        return True

    def delete(self, key):
        return self.values.pop(key, None) is not None


class FakeWechat:
    """Issues tokens for one AppId / AppSecret and accepts template messages with them."""

    def __init__(self, server: FakeServer) -> None:
        self.serial = itertools.count(1)
        self.valid_tokens: set[str] = set()
        self.token_fetches: list[Request] = []
        self.token_error: dict | None = None  # answer every token request with this
        self.send_answers: list[dict] = []  # answers for the next sends, then "ok"
        self.sent: list[Request] = []
        server.route("/cgi-bin/token", self.token)
        server.route("/cgi-bin/message/template/send", self.send)

    def token(self, request: Request) -> Reply:
        self.token_fetches.append(request)
        query = {name: values[-1] for name, values in request.query.items()}
        if request.method != "GET":
            return Reply.json({"errcode": 43001, "errmsg": "require GET method"})
        if query.get("grant_type") != "client_credential":
            return Reply.json({"errcode": 40002, "errmsg": "invalid grant_type"})
        if query.get("appid") != APP_ID:
            return Reply.json({"errcode": 40013, "errmsg": "invalid appid"})
        if query.get("secret") != APP_SECRET:
            return Reply.json({"errcode": 40125, "errmsg": "invalid appsecret"})
        if self.token_error:
            return Reply.json(self.token_error)
        token = f"ACCESS_TOKEN_{next(self.serial)}_Wm9vbGxhbW9vbGxh"
        self.valid_tokens.add(token)
        return Reply.json({"access_token": token, "expires_in": 7200})

    def send(self, request: Request) -> Reply:
        token = request.query.get("access_token", [""])[-1]
        if request.method != "POST":
            return Reply.json({"errcode": 43002, "errmsg": "require POST method"})
        if not token:
            return Reply.json({"errcode": 41001, "errmsg": "access_token missing"})
        if token not in self.valid_tokens:
            return Reply.json({"errcode": 40001, "errmsg": "invalid credential, access_token "
                               "is invalid or not latest rid: 6571f3e1-0a1b2c3d"})
        body = request.json()
        if not body.get("template_id") or not isinstance(body.get("data"), dict):
            return Reply.json({"errcode": 47001, "errmsg": "data format error"})
        self.sent.append(request)
        return Reply.json(self.send_answers.pop(0) if self.send_answers else OK)

    def revoke_tokens(self) -> None:
        """As when another program fetched a new token: the cached one stops working."""
        self.valid_tokens.clear()


@pytest.fixture(scope="module")
def shared_server():
    # One server for the module: stopping a FakeServer waits out its 0.5 s poll interval.
    with FakeServer() as fake_server:
        yield fake_server


@pytest.fixture
def server(shared_server):
    shared_server.requests.clear()
    return shared_server


@pytest.fixture
def wechat(server):
    return FakeWechat(server)  # fresh routes and state for every test


@pytest.fixture
def store():
    return DictStore()


@pytest.fixture
def make_gateway(server, store):
    def make(endpoint: str | None = None, **config) -> WechatMpGateway:
        settings = {"app_id": APP_ID, "app_secret": APP_SECRET,
                    "endpoint": endpoint or server.url, **config}
        options = {"token_store": store, "allow_private": True, "timeout": (1, 1)}
        return WechatMpGateway(settings, options)

    return make


def test_sends_a_template_message(wechat, make_gateway):
    result = make_gateway().send(MESSAGE)

    assert (result.ok, result.message_id, result.raw_code) == (True, "200228332", "0")
    [request] = wechat.sent
    assert request.headers["content-type"].startswith("application/json")
    assert "您的服务器已开通".encode() in request.body  # UTF-8 as is, not \u escapes
    assert request.json() == {
        "touser": OPENID,
        "template_id": TEMPLATE_ID,
        "url": "https://panel.example.com/servers/42",
        "data": {"first": {"value": "您的服务器已开通"}, "keyword1": {"value": "HK-2C4G"},
                 "remark": {"value": "感谢使用", "color": "#173177"}},
    }


def test_two_workers_share_one_token(wechat, make_gateway, store):
    worker_a, worker_b = make_gateway(), make_gateway()

    assert worker_a.send(MESSAGE).ok
    assert worker_b.send(MESSAGE).ok
    assert worker_a.send(MESSAGE).ok

    assert len(wechat.token_fetches) == 1 and len(wechat.sent) == 3
    [key] = store.values
    assert APP_ID in key
    assert store.timeouts[key] == 7200 - 300  # renewed five minutes before WeChat drops it


def test_a_rejected_token_is_refreshed_once_and_the_send_retried(wechat, make_gateway, store):
    gateway = make_gateway()
    assert gateway.send(MESSAGE).ok
    stale = next(iter(store.values.values()))
    wechat.revoke_tokens()

    result = gateway.send(MESSAGE)

    assert result.ok, result
    assert len(wechat.token_fetches) == 2 and len(wechat.sent) == 2
    assert next(iter(store.values.values())) != stale


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_each_token_rejection_code_triggers_the_refresh(wechat, make_gateway, errcode):
    wechat.send_answers = [{"errcode": errcode, "errmsg": "token problem"}]

    result = make_gateway().send(MESSAGE)

    assert result.ok and len(wechat.token_fetches) == 2


def test_a_token_still_rejected_after_refresh_is_token_failed(wechat, make_gateway):
    wechat.send_answers = [{"errcode": 40001, "errmsg": "invalid credential"}] * 2

    result = make_gateway().send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == ("token_failed", "40001", False)
    assert len(wechat.token_fetches) == 2  # refreshed once, not in a loop


def test_refresh_failure_is_token_failed_with_the_raw_answer(wechat, make_gateway):
    gateway = make_gateway()
    assert gateway.send(MESSAGE).ok
    wechat.revoke_tokens()
    wechat.token_error = {"errcode": 40164, "errmsg": "invalid ip 203.0.113.9 ipv6 ::ffff:"
                          "203.0.113.9, not in whitelist rid: 6571f3e1-4d5e6f70"}

    result = gateway.send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == ("token_failed", "40164", False)
    assert "not in whitelist" in result.raw_message and "IP whitelist" in result.raw_message


@pytest.mark.parametrize(("config", "raw_code"), [
    ({"app_id": "wx0000000000000000"}, "40013"),
    ({"app_secret": "wrong-secret"}, "40125"),
])
def test_wrong_credentials_are_token_failed(wechat, make_gateway, config, raw_code):
    result = make_gateway(**config).send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == ("token_failed", raw_code, False)
    assert wechat.sent == []


def test_busy_token_service_is_token_failed_but_retryable(wechat, make_gateway):
    wechat.token_error = {"errcode": -1, "errmsg": "system error"}

    result = make_gateway().send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == ("token_failed", "-1", True)


def test_unreachable_token_service_is_token_failed_and_hides_the_secret(make_gateway,
                                                                       unused_port):
    result = make_gateway(endpoint=f"http://127.0.0.1:{unused_port}").send(MESSAGE)

    assert (result.error, result.retryable) == ("token_failed", True)
    assert result.raw_code == "connect_failed"
    assert APP_SECRET not in result.raw_message


@pytest.mark.parametrize(("errcode", "errmsg", "error", "retryable"), [
    (-1, "system error", "unreachable", True),
    (40003, "invalid openid", "invalid_openid", False),
    (43004, "require subscribe", "invalid_openid", False),
    (40037, "invalid template_id", "content_rejected", False),
    (47003, "argument invalid! data.keyword1.value invalid", "content_rejected", False),
    (45009, "reach max api daily quota limit", "provider_rate_limited", True),
    (45011, "api minute-quota reach limit", "provider_rate_limited", True),
    (40164, "invalid ip 203.0.113.9, not in whitelist", "auth_failed", False),
    (48001, "api unauthorized", "auth_failed", False),
    (99999, "something new", "unknown", False),
])
def test_send_error_codes_map_to_the_catalog(wechat, make_gateway, errcode, errmsg, error,
                                             retryable):
    wechat.send_answers = [{"errcode": errcode, "errmsg": errmsg}]

    result = make_gateway().send(MESSAGE)

    assert (result.ok, result.error, result.retryable) == (False, error, retryable)
    assert (result.raw_code, result.raw_message[: len(errmsg)]) == (str(errcode), errmsg)


def test_a_proxy_error_page_is_an_outage(server, wechat, make_gateway):
    server.route("/cgi-bin/message/template/send",
                 lambda request: Reply.text("<html>502 Bad Gateway</html>", 502))

    result = make_gateway().send(MESSAGE)

    assert (result.error, result.raw_code, result.retryable) == ("unreachable", "HTTP 502", True)


def test_no_answer_after_the_send_is_timeout_and_hides_the_token(server, wechat, make_gateway):
    server.route("/cgi-bin/message/template/send", lambda request: Reply.stalled(5))
    gateway = make_gateway()
    gateway.timeout = (1, 0.3)

    result = gateway.send(MESSAGE)

    assert (result.error, result.retryable) == ("timeout", False)
    assert "ACCESS_TOKEN_" not in result.raw_message


def test_missing_template_id_and_bad_openid_fail_before_any_request(server, wechat,
                                                                   make_gateway):
    gateway = make_gateway()

    no_template = gateway.send(Message(to=OPENID, params={"first": "x"}))
    bad_openid = gateway.send(Message(to="13800138000@sms", template_code=TEMPLATE_ID))

    assert no_template.error == "template_number_missing"
    assert bad_openid.error == "invalid_openid"
    assert server.requests == []


def test_missing_credentials_are_not_configured(make_gateway):
    result = make_gateway(app_secret="").send(MESSAGE)

    assert (result.error, result.raw_message) == ("not_configured", "missing: app_secret")
