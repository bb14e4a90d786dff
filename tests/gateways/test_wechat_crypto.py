"""WeChat's push signatures and safe-mode crypto against published vectors and a reference
implementation, and the QR ticket call against a fake api.weixin.qq.com."""

from __future__ import annotations

import pytest

from blueprints.member_wechat import push as wechat_push
from gateways import wechat_crypto
from gateways.wechat import WechatFailed, WechatMpGateway
from tests.fakes.wechat_mp import APP_ID, APP_SECRET, FakeWechatQr
from tests.fakes.wechat_push import (
    FakeOfficialAccount,
    reference_decrypt,
    reference_encrypt,
    sha1_signature,
)

# Tencent's own sample values (WXBizMsgCrypt Sample.py and WXBizMsgCryptTest.java).
SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SAMPLE_TOKEN, SAMPLE_APPID = "spamtest", "wx2c2769f8efd9abc2"
SAMPLE_TIMESTAMP, SAMPLE_NONCE = "1409735669", "1320562132"
SAMPLE_MSG_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
SAMPLE_ENCRYPT = (
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6"
    "F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T33"
    "2jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCg"
    "avjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6Oew"
    "pusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=")
# The Java sample: a fixed random prefix, so the ciphertext itself is the vector.
JAVA_APPID, JAVA_RANDOM, JAVA_MESSAGE = "wxb11529c136998cb6", b"aaaabbbbccccdddd", "我是中文abcd123"
JAVA_ENCRYPT = ("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72v"
                "VOfg==")
TOKEN, KEY = "herald2026token", "c2FmZS1tb2RlLWtleS1mb3ItaGVyYWxkLXRlc3RzLTE"


def test_tencents_sample_push_verifies_and_decrypts():
    assert wechat_crypto.signature(SAMPLE_TOKEN, SAMPLE_TIMESTAMP, SAMPLE_NONCE,
                                   SAMPLE_ENCRYPT) == SAMPLE_MSG_SIGNATURE
    plain = wechat_crypto.decrypt(SAMPLE_ENCRYPT, SAMPLE_KEY, SAMPLE_APPID)
    assert "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>" in plain
    assert "<Content><![CDATA[abcdteT]]></Content>" in plain


def test_tencents_sample_encryption_comes_out_byte_for_byte():
    assert wechat_crypto.encrypt(JAVA_MESSAGE, SAMPLE_KEY, JAVA_APPID,
                                 random_prefix=JAVA_RANDOM) == JAVA_ENCRYPT
    assert reference_encrypt(JAVA_MESSAGE, SAMPLE_KEY, JAVA_APPID, JAVA_RANDOM) == JAVA_ENCRYPT


@pytest.mark.parametrize("message", ["<xml><a>1</a></xml>", "x" * 31, "y" * 32, "中文" * 50])
def test_herald_and_the_reference_open_each_others_ciphertext(message):
    ours = wechat_crypto.encrypt(message, KEY, APP_ID)
    assert reference_decrypt(ours, KEY) == (message, APP_ID)
    theirs = reference_encrypt(message, KEY, APP_ID, b"0123456789abcdef")
    assert wechat_crypto.decrypt(theirs, KEY, APP_ID) == message


def test_a_push_for_another_account_or_key_is_refused():
    ciphertext = reference_encrypt("<xml/>", KEY, "wx0000000000000000", b"r" * 16)
    with pytest.raises(wechat_crypto.WechatCryptoError, match="AppId"):
        wechat_crypto.decrypt(ciphertext, KEY, APP_ID)
    other_key = "b3RoZXIta2V5LW9mLWFub3RoZXItb2ZmaWNpYWwtYWM"
    with pytest.raises(wechat_crypto.WechatCryptoError):
        wechat_crypto.decrypt(reference_encrypt("<xml/>", other_key, APP_ID, b"r" * 16), KEY,
                              APP_ID)
    for bad in ("", "short", "!" * 43):
        with pytest.raises(wechat_crypto.WechatCryptoError):
            wechat_crypto.aes_key(bad)
    with pytest.raises(wechat_crypto.WechatCryptoError):
        wechat_crypto.decrypt("bm90IGJsb2Nrcw==", KEY, APP_ID)


def test_the_url_check_and_a_push_follow_the_documented_signature():
    keys = wechat_push.Keys(TOKEN, "", APP_ID)
    query = {"timestamp": "1700000000", "nonce": "42", "echostr": "5837397520767627345"}
    query["signature"] = sha1_signature(TOKEN, "1700000000", "42")
    assert wechat_push.check_url(keys, query, now=1700000100) == "5837397520767627345"
    with pytest.raises(wechat_push.PushRefused, match="wechat_push_expired"):
        wechat_push.check_url(keys, query, now=1700000301)
    with pytest.raises(wechat_push.PushRefused, match="wechat_signature_invalid"):
        wechat_push.check_url(keys, {**query, "nonce": "43"}, now=1700000000)


def test_a_safe_mode_push_opens_and_the_sealed_reply_opens_at_wechat():
    account = FakeOfficialAccount(TOKEN, APP_ID, KEY, clock=1700000000)
    query, body = account.signed(account.event("o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "SCAN", "bind_x"))
    keys = wechat_push.Keys(TOKEN, KEY, APP_ID)
    opened = wechat_push.open_push(keys, dict(_pairs(query)), body, now=1700000000)
    assert opened.encrypted and opened.fields["Event"] == "SCAN"
    assert opened.fields["EventKey"] == "bind_x"
    reply = wechat_push.text_reply("o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "gh_7f083739789a", "已绑定 ]]>")
    assert account.reply_text(wechat_push.sealed(keys, reply)) == "已绑定 ]]>"


@pytest.mark.parametrize("body", [
    b'<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>',
    b"<xml><a>unclosed</xml>", b"", b"<html></html>", b"<xml>" + b"<a/>" * 65 + b"</xml>",
])
def test_unsafe_or_foreign_bodies_are_not_read(body):
    with pytest.raises(wechat_push.Unreadable):
        wechat_push.parse_xml(body)


def _pairs(query: str):
    from urllib.parse import parse_qsl

    return parse_qsl(query)


# --- the QR ticket: POST /cgi-bin/qrcode/create -------------------------------------


@pytest.fixture
def qr(server):
    return FakeWechatQr(server)


def make_gateway(server) -> WechatMpGateway:
    return WechatMpGateway({"app_id": APP_ID, "app_secret": APP_SECRET, "endpoint": server.url},
                           {"allow_private": True, "timeout": (1, 1)})


def test_a_temporary_string_scene_qr_code(server, qr):
    ticket = make_gateway(server).qr_ticket("bind_abc", 600)

    assert ticket.url == qr.urls["bind_abc"] and ticket.expire_seconds == 600
    request = server.requests[-1]
    assert request.json() == {"expire_seconds": 600, "action_name": "QR_STR_SCENE",
                              "action_info": {"scene": {"scene_str": "bind_abc"}}}
    assert request.query["access_token"][0] in qr.valid_tokens


def test_a_replaced_token_is_fetched_again_once(server, qr):
    gateway = make_gateway(server)
    gateway.qr_ticket("bind_one")
    qr.revoke_tokens()  # another program fetched a token: ours stops working

    assert gateway.qr_ticket("bind_two").url == qr.urls["bind_two"]


def test_an_unverified_account_gets_a_catalog_code_and_a_hint(server, qr):
    qr.qr_error = {"errcode": 48001, "errmsg": "api unauthorized"}

    with pytest.raises(WechatFailed) as failed:
        make_gateway(server).qr_ticket("bind_abc")

    assert failed.value.result.error == "auth_failed"
    assert "verified service account" in failed.value.result.raw_message
    assert APP_SECRET not in failed.value.result.raw_message


def test_an_answer_without_a_ticket_is_a_failure(server, qr):
    qr.qr_error = {"errcode": 0, "errmsg": "ok"}

    with pytest.raises(WechatFailed) as failed:
        make_gateway(server).qr_ticket("bind_abc")

    assert (failed.value.result.ok, failed.value.result.error) == (False, "unknown")
