"""Sealing of normalised identity values at rest: AES-256-GCM from ``cryptography``.

The fuzzy identity scorer compares real strings (:mod:`linker.fuzzy`), so the normalised name,
birth date, document number and address of each signal are kept, but only sealed: encrypted
and authenticated under ``linker.seal_key``, a key separate from the hashing key. Each value
is bound to its account and signal type (associated data), so a sealed value copied to another
row fails to open. Values are opened only in memory, to score candidates.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from idverify.errors import Unavailable

__all__ = ["Sealer"]

_NONCE = 12


class Sealer:
    """AES-256-GCM sealing of short strings; the key never leaves this object."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the seal key must be at least 16 bytes")
        # A 32-byte key is used as is; any other length is stretched to 32 bytes by SHA-256.
        self._aead = AESGCM(key if len(key) == 32 else hashlib.sha256(key).digest())

    def __repr__(self) -> str:
        return "Sealer(<key hidden>)"

    def seal(self, plain: str, context: str) -> bytes:
        """``nonce || ciphertext+tag`` of ``plain``, bound to ``context`` (account and type)."""
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain.encode(), context.encode())

    def open(self, sealed: bytes, context: str) -> str:
        """The plain value; Unavailable when the value was tampered with or sealed under another
        key (a wrong ``linker.seal_key`` must not silently link nothing)."""
        sealed = bytes(sealed)
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], context.encode()).decode()
        except InvalidTag:
            raise Unavailable("a sealed identity value does not open: linker.seal_key differs from the "
                              "key it was sealed with, or the row was altered", reason="SEAL_KEY_MISMATCH") from None
