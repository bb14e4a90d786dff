"""A fake official account pushing events to Herald's server URL, as WeChat's servers do.

It signs and, in safe mode, encrypts with its own implementation of WeChat's documented
message crypto (written from the steps of the docs, sharing no code with
``gateways.wechat_crypto``), and it opens Herald's encrypted passive replies the same way,
so a mistake in Herald's crypto cannot hide behind a matching mistake here.

    account = FakeOfficialAccount(token, app_id, encoding_aes_key="")  # "" = plaintext mode
    response = account.push(client_or_url, account.scan_event(openid, scene))
    account.reply_text(response_body)  # the <Content> the follower reads
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urlencode

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

ACCOUNT_ID = "gh_7f083739789a"  # the official account's original id (ToUserName)


def sha1_signature(*parts: str) -> str:
    """WeChat's signature: sort the strings, join them, SHA-1, lower-case hex."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's)


def reference_encrypt(text: str, encoding_aes_key: str, app_id: str, random16: bytes) -> str:
    """The documented steps: AESKey = Base64_Decode(EncodingAESKey + "="); FullStr =
    random(16B) + msg_len(4B, network order) + msg + appid; PKCS#7 to a multiple of 32;
    AES-256-CBC with IV = AESKey[0:16]; Base64."""
    key = base64.b64decode(encoding_aes_key + "=")
    msg = text.encode()
    full = random16 + struct.pack("!I", len(msg)) + msg + app_id.encode()
    pad = 32 - (len(full) % 32)
    full = full + bytes([pad] * pad)
    enc = Cipher(algorithms.AES(key), modes.CBC(key[0:16])).encryptor()
    return base64.b64encode(enc.update(full) + enc.finalize()).decode()


def reference_decrypt(ciphertext: str, encoding_aes_key: str) -> tuple[str, str]:
    """(message, appid) from an ``Encrypt`` value, by the same documented steps reversed."""
    key = base64.b64decode(encoding_aes_key + "=")
    dec = Cipher(algorithms.AES(key), modes.CBC(key[0:16])).decryptor()
    full = dec.update(base64.b64decode(ciphertext)) + dec.finalize()
    full = full[: -full[-1]]
    length = struct.unpack("!I", full[16:20])[0]
    return full[20:20 + length].decode(), full[20 + length:].decode()


@dataclass
class FakeOfficialAccount:
    token: str
    app_id: str
    encoding_aes_key: str = ""  # safe mode when set
    clock: float | None = None  # a fixed "now" for the timestamp; None: the real clock
    nonces: list[str] = field(default_factory=list)

    def event(self, openid: str, event: str, event_key: str = "") -> str:
        key = f"<EventKey><![CDATA[{event_key}]]></EventKey>" if event_key else ""
        ticket = "<Ticket><![CDATA[gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xLzAyUjBz]]>" \
                 "</Ticket>" if event_key else ""
        return (f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName>"
                f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
                f"<CreateTime>{int(self.now())}</CreateTime>"
                "<MsgType><![CDATA[event]]></MsgType>"
                f"<Event><![CDATA[{event}]]></Event>{key}{ticket}</xml>")

    def scan_event(self, openid: str, scene: str, following: bool = False) -> str:
        """A new follower's ``subscribe`` (``qrscene_`` key) or a follower's ``SCAN``."""
        if following:
            return self.event(openid, "SCAN", scene)
        return self.event(openid, "subscribe", "qrscene_" + scene)

    def now(self) -> float:
        return self.clock if self.clock is not None else time.time()

    def signed(self, xml: str, timestamp: str | None = None) -> tuple[str, bytes]:
        """The query string and body WeChat would send for ``xml``."""
        timestamp = timestamp or str(int(self.now()))
        nonce = str(int.from_bytes(os.urandom(4), "big"))
        self.nonces.append(nonce)
        query = {"signature": sha1_signature(self.token, timestamp, nonce),
                 "timestamp": timestamp, "nonce": nonce, "openid": _openid_of(xml)}
        if not self.encoding_aes_key:
            return urlencode(query), xml.encode()
        encrypted = reference_encrypt(xml, self.encoding_aes_key, self.app_id, os.urandom(16))
        query.update(encrypt_type="aes", msg_signature=sha1_signature(
            self.token, timestamp, nonce, encrypted))
        body = (f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
        return urlencode(query), body.encode()

    def push(self, client, xml: str, path: str = "/wechat/callback", **kwargs):
        """POST ``xml`` signed (and encrypted) to Herald through a Flask test client."""
        query, body = self.signed(xml, **kwargs)
        return client.post(f"{path}?{query}", data=body, csrf=False,
                           content_type="text/xml")

    def push_over_http(self, site: str, xml: str):
        """The same push over the network, to a served Herald (browser tests)."""
        import requests

        query, body = self.signed(xml)
        return requests.post(f"{site}/wechat/callback?{query}", data=body, timeout=10,
                             headers={"Content-Type": "text/xml"})

    def reply_text(self, body: str) -> str:
        """The text the follower reads from Herald's passive reply; checks safe mode's
        signature and AppId on the way, as WeChat does."""
        root = ET.fromstring(body)  # noqa: S314
        if self.encoding_aes_key:
            encrypted = root.findtext("Encrypt")
            expected = sha1_signature(self.token, root.findtext("TimeStamp"),
                                      root.findtext("Nonce"), encrypted)
            assert root.findtext("MsgSignature") == expected, "reply signature is wrong"
            plain, app_id = reference_decrypt(encrypted, self.encoding_aes_key)
            assert app_id == self.app_id, f"reply encrypted for {app_id}"
            root = ET.fromstring(plain)  # noqa: S314
        assert root.findtext("MsgType") == "text" and root.findtext("FromUserName") == ACCOUNT_ID
        return root.findtext("Content")


def _openid_of(xml: str) -> str:
    try:  # WeChat adds the follower's openid to the query; fuzzed bodies may have none
        return ET.fromstring(xml).findtext("FromUserName") or ""  # noqa: S314
    except ET.ParseError:
        return ""
