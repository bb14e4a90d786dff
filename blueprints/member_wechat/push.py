"""Reading and answering a push from the official account (plaintext and safe mode).

``open_push`` checks the signature and the timestamp, decrypts a safe-mode body and parses
the XML; ``PushRefused`` carries the catalog code when the push cannot be trusted, and
``Unreadable`` a body Herald does not understand (answered with "success", as WeChat asks).
"""

from __future__ import annotations

import re
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape

from core.catalog.refusal import Refusal
from gateways import wechat_crypto

MAX_BODY = 64 * 1024  # an event push is well under 2 KB
MAX_FIELDS = 64
MAX_SKEW = 300  # seconds a push's timestamp may differ from this server's clock
# No DTD at all: entity declarations are how XML bombs and external entities get in.
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class PushRefused(Refusal):
    """A push that did not come from the configured official account (catalog code)."""


class Unreadable(Exception):
    """A signed push whose body Herald cannot read; WeChat gets "success" anyway."""


@dataclass(frozen=True)
class Keys:
    """The official account's Token, EncodingAESKey (empty: plaintext mode) and AppId."""

    token: str
    encoding_aes_key: str
    app_id: str

    @property
    def safe_mode(self) -> bool:
        return bool(self.encoding_aes_key)


@dataclass(frozen=True)
class Push:
    fields: dict[str, str]
    encrypted: bool
    replay_key: str  # the same push delivered twice has the same key


def check_url(keys: Keys, query: Mapping[str, str], now: float | None = None) -> str:
    """The ``echostr`` to answer the console's URL check with; raises ``PushRefused``."""
    _check_time(query.get("timestamp", ""), now)
    parts = (keys.token, query.get("timestamp", ""), query.get("nonce", ""))
    if not wechat_crypto.signature_matches(parts, query.get("signature", "")):
        raise PushRefused("wechat_signature_invalid", "URL check with a wrong signature")
    return query.get("echostr", "")


def open_push(keys: Keys, query: Mapping[str, str], body: bytes,
              now: float | None = None) -> Push:
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    _check_time(timestamp, now)
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if encrypted != keys.safe_mode:
        raise PushRefused("wechat_mode_mismatch", "an encrypted push without an EncodingAESKey"
                          if encrypted else "a plaintext push while safe mode is configured")
    if not encrypted:
        if not wechat_crypto.signature_matches((keys.token, timestamp, nonce),
                                               query.get("signature", "")):
            raise PushRefused("wechat_signature_invalid", "push with a wrong signature")
        return Push(parse_xml(body), False, f"{timestamp}:{nonce}:{query.get('signature')}")
    ciphertext = parse_xml(body).get("Encrypt", "")
    given = query.get("msg_signature", "")
    if not wechat_crypto.signature_matches((keys.token, timestamp, nonce, ciphertext), given):
        raise PushRefused("wechat_signature_invalid", "push with a wrong msg_signature")
    try:
        plain = wechat_crypto.decrypt(ciphertext, keys.encoding_aes_key, keys.app_id)
    except wechat_crypto.WechatCryptoError as exc:
        raise PushRefused("wechat_decrypt_failed", str(exc)) from exc
    return Push(parse_xml(plain.encode("utf-8")), True, f"{timestamp}:{nonce}:{given}")


def parse_xml(body: bytes) -> dict[str, str]:
    """The top-level fields of a WeChat XML message; no DTD, bounded size."""
    if not body or len(body) > MAX_BODY:
        raise Unreadable(f"body of {len(body)} bytes")
    if _DTD.search(body):
        raise Unreadable("a DTD or entity declaration")
    try:
        # Safe without defusedxml: with no DTD there are no entities to expand or fetch.
        root = ET.fromstring(body)  # noqa: S314
    except ET.ParseError as exc:
        raise Unreadable(f"not XML: {exc}") from exc
    children = list(root)
    if root.tag != "xml" or len(children) > MAX_FIELDS:
        raise Unreadable("not a WeChat message")
    return {child.tag: (child.text or "").strip() for child in children}


def text_reply(to_user: str, from_user: str, content: str, now: float | None = None) -> str:
    """A passive text reply to the follower who pushed ``from_user``'s account a message."""
    return ("<xml>"
            f"<ToUserName>{_cdata(to_user)}</ToUserName>"
            f"<FromUserName>{_cdata(from_user)}</FromUserName>"
            f"<CreateTime>{int(now if now is not None else time.time())}</CreateTime>"
            f"<MsgType>{_cdata('text')}</MsgType>"
            f"<Content>{_cdata(content)}</Content>"
            "</xml>")


def sealed(keys: Keys, reply: str, now: float | None = None) -> str:
    """The reply as safe mode sends it: encrypted and signed with a fresh nonce."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = str(secrets.randbelow(10**10))
    ciphertext = wechat_crypto.encrypt(reply, keys.encoding_aes_key, keys.app_id)
    signature = wechat_crypto.signature(keys.token, timestamp, nonce, ciphertext)
    return ("<xml>"
            f"<Encrypt>{_cdata(ciphertext)}</Encrypt>"
            f"<MsgSignature>{_cdata(signature)}</MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce>{_cdata(nonce)}</Nonce>"
            "</xml>")


def _cdata(text: str) -> str:
    # "]]>" would end the section early; escaping outside CDATA keeps any text intact.
    return f"<![CDATA[{text}]]>" if "]]>" not in text else escape(text)


def _check_time(timestamp: str, now: float | None) -> None:
    if not timestamp.isdigit() or len(timestamp) > 12:
        raise PushRefused("wechat_signature_invalid", f"no usable timestamp {timestamp[:20]!r}")
    current = now if now is not None else time.time()
    if abs(current - int(timestamp)) > MAX_SKEW:
        raise PushRefused("wechat_push_expired",
                          f"timestamp {timestamp} is {int(current) - int(timestamp)} s off")
