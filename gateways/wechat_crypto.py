"""WeChat push signatures and safe-mode message crypto (WeChat's ``WXBizMsgCrypt`` scheme).

The official account signs every push to the server URL: ``signature`` is the SHA-1 of the
Token, ``timestamp`` and ``nonce`` sorted and joined. In safe mode the body holds
``<Encrypt>``, signed as ``msg_signature`` = SHA-1 of the sorted Token, timestamp, nonce and
ciphertext. The ciphertext is AES-256-CBC under AESKey = base64(EncodingAESKey + "="), with
IV = AESKey[:16] and PKCS#7 padding to 32-byte blocks, over random(16) + the message length
(4 bytes, network order) + the message + the AppId.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeChat pads to 32 bytes, not AES's 16
AES_KEY_TEXT_LENGTH = 43


class WechatCryptoError(ValueError):
    """A push that cannot be trusted: bad key, ciphertext, padding or AppId."""


def signature(*parts: str) -> str:
    """SHA-1 of the parts sorted as strings and joined, as WeChat signs them."""
    # SHA-1 is WeChat's choice, not ours: the protocol fixes it.
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324


def signature_matches(expected_parts: tuple[str, ...], given: str) -> bool:
    return hmac.compare_digest(signature(*expected_parts), (given or "").lower())


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AESKey from the 43-character EncodingAESKey of the console."""
    text = (encoding_aes_key or "").strip()
    if len(text) != AES_KEY_TEXT_LENGTH:
        raise WechatCryptoError("the EncodingAESKey must be 43 characters")
    try:
        key = base64.b64decode(text + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WechatCryptoError("the EncodingAESKey is not base64 text") from exc
    if len(key) != 32:
        raise WechatCryptoError("the EncodingAESKey does not give a 32-byte key")
    return key


def encrypt(message: str, encoding_aes_key: str, app_id: str,
            random_prefix: bytes | None = None) -> str:
    """The base64 ``Encrypt`` text of ``message``; ``random_prefix`` only for known vectors."""
    key = aes_key(encoding_aes_key)
    body = message.encode("utf-8")
    prefix = random_prefix if random_prefix is not None else secrets.token_bytes(16)
    plain = prefix + struct.pack(">I", len(body)) + body + app_id.encode("utf-8")
    padding = BLOCK - len(plain) % BLOCK
    plain += bytes([padding]) * padding
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt(ciphertext: str, encoding_aes_key: str, app_id: str) -> str:
    """The message inside ``ciphertext``; refuses a wrong key, padding or AppId."""
    key = aes_key(encoding_aes_key)
    try:
        raw = base64.b64decode(ciphertext, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WechatCryptoError("the ciphertext is not base64") from exc
    if not raw or len(raw) % 16:
        raise WechatCryptoError("the ciphertext is not whole AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(raw) + decryptor.finalize()
    padding = plain[-1]
    if not 1 <= padding <= BLOCK or plain[-padding:] != bytes([padding]) * padding:
        raise WechatCryptoError("bad padding: wrong EncodingAESKey?")
    plain = plain[:-padding]
    if len(plain) < 20:
        raise WechatCryptoError("the plaintext is too short")
    (length,) = struct.unpack(">I", plain[16:20])
    message, sender = plain[20:20 + length], plain[20 + length:]
    if len(message) != length:
        raise WechatCryptoError("the message length does not fit the plaintext")
    # The AppId at the end proves the push was made for this official account.
    if not hmac.compare_digest(sender, app_id.encode("utf-8")):
        raise WechatCryptoError("the push was encrypted for another AppId")
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WechatCryptoError("the message is not UTF-8") from exc
