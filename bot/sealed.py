"""Sealed text for values that travel through Slack (button values, modal metadata) but must not
be readable there: a fix button's full Application ID, for one.

    arg = seal(json_text, key)        # url-safe text, different every time
    unseal(arg, key) == json_text     # ValueError when it is not one of ours

The outer value is signed by bot.action_values, which is what makes it trustworthy; sealing
only keeps its content secret: XOR with a BLAKE2b keystream keyed by a key derived from the
app's action key, under a fresh 12-byte nonce. Pure standard library, no I/O.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

NONCE = 12
_BLOCK = 64


def seal(text: str, key: bytes) -> str:
    nonce = os.urandom(NONCE)
    data = text.encode("utf-8")
    sealed = bytes(a ^ b for a, b in zip(data, _stream(key, nonce, len(data)), strict=True))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")


def unseal(token: str, key: bytes) -> str:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not sealed text") from None
    if len(raw) < NONCE:
        raise ValueError("not sealed text")
    nonce, sealed = raw[:NONCE], raw[NONCE:]
    data = bytes(a ^ b for a, b in zip(sealed, _stream(key, nonce, len(sealed)), strict=True))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not sealed text") from None


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    subkey = hashlib.blake2b(b"rosterbot-sealed", key=key[:64], digest_size=32).digest()
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.blake2b(nonce + counter.to_bytes(8, "big"), key=subkey,
                               digest_size=_BLOCK).digest()
        counter += 1
    return bytes(out[:length])
