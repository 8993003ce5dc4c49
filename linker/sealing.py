"""Sealing of normalised identity values at rest: AES-256-GCM from ``cryptography``.

The fuzzy identity scorer compares real strings (:mod:`linker.fuzzy`), so the normalised name,
birth date, document number and address of each signal are kept, but only sealed: encrypted
and authenticated under ``linker.seal_key``, a 256-bit key separate from the hashing key.
Values are opened only in memory, to score candidates.

A sealed value (:class:`SealedValue`) carries a *format* and the *key id* of its key (the first
8 bytes of HMAC-SHA256(key, "idverify seal key id"), hex: it names a key without revealing it).
Format 1, written by this version: ``nonce(12) || ciphertext || tag(16)``, with associated data
binding the format, the key id and the row's identity (account, signal type and the value's
keyed digest), so a value copied to another account, type or row of the same account and type,
or relabelled with another key id, fails to open. Format 0, written before key ids: the same
layout bound to account and type only; it is read under ``linker.seal_key`` or any of
``linker.previous_seal_keys`` (whichever opens it) and upgraded by
:func:`idverify.app.seal_rotation.reseal_store`.

Failures are reasons, never INTERNAL: a value under a key id that is neither the seal key nor a
previous key is ``SEAL_KEY_MISMATCH`` (UNAVAILABLE: a replica without the key; the key id is in
the metadata); a value its key does not open, a truncated one or an unknown format is
``SEALED_VALUE_CORRUPT`` (DATA_LOSS: the row was altered or damaged). A format-0 value has no key
id, so a wrong key and damage look alike: it is ``SEAL_KEY_MISMATCH`` until some format-0 value
has opened under a held key (then the keys are right and a value that opens under none of them
is ``SEALED_VALUE_CORRUPT``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from idverify.errors import DataLoss, Unavailable
from linker.settings import is_seal_key_text
from linker.store.base import SealedValue

__all__ = ["FORMAT", "LEGACY_FORMAT", "SealedValue", "Sealer", "key_id", "legacy_key", "previous_keys"]

#: The format this version writes.
FORMAT = 1
#: Values written before formats and key ids (store migration 3, before migration 4).
LEGACY_FORMAT = 0

_NONCE = 12
_TAG = 16
_KEY_ID_LABEL = b"idverify seal key id"


def key_id(key: bytes) -> str:
    """The public name of a seal key: 16 hex characters of HMAC-SHA256(key, label)."""
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).digest()[:8].hex()


def legacy_key(text: str) -> bytes:
    """The AES key a ``linker.seal_key`` setting meant before keys had to be 64 hex characters
    (for ``linker.previous_seal_keys`` only): hex of at least 16 bytes, else the UTF-8 text;
    anything but 32 bytes stretched by one SHA-256, as the old sealer did."""
    try:
        key = bytes.fromhex(text)
        if len(key) < 16:
            key = text.encode()
    except ValueError:
        key = text.encode()
    return key if len(key) == 32 else hashlib.sha256(key).digest()


_PREFIX = b"idverify seal\x00"
_HEADER = struct.Struct(">BI")
_TYPE = struct.Struct(">q")


def _aad(fmt: int, kid: str, account_id: str, signal_type: int, digest: bytes) -> bytes:
    if fmt == LEGACY_FORMAT:
        return f"{account_id}:{signal_type}".encode()
    account = account_id.encode()
    # Length-prefixed, so no two rows share associated data; the digest (fixed by the row's
    # primary key) is last.
    return b"".join((_PREFIX, _HEADER.pack(fmt, len(account)), bytes.fromhex(kid), account,
                     _TYPE.pack(signal_type), digest))


class Sealer:
    """AES-256-GCM sealing of short strings under one current key, opening under it or under
    previous keys (read only); the keys never leave this object."""

    def __init__(self, key: bytes, previous: Iterable[bytes] = ()) -> None:
        keys = [bytes(key), *(bytes(k) for k in previous)]
        if any(len(k) != 32 for k in keys):
            raise ValueError("seal keys must be 32 bytes (256 bits)")
        self.key_id = key_id(keys[0])
        self._current = AESGCM(keys[0])
        #: Every key by id, the current one first (dict order), for opening.
        self._by_id = {key_id(k): AESGCM(k) for k in keys}
        self._legacy_opened = False

    @property
    def legacy_opened(self) -> bool:
        """Whether a format-0 value has opened under a held key (the keys are right for them)."""
        return self._legacy_opened

    def __repr__(self) -> str:
        return f"Sealer(key_id={self.key_id}, previous={len(self._by_id) - 1}, <keys hidden>)"

    def seal(self, plain: str, account_id: str, signal_type: int, digest: bytes) -> SealedValue:
        """``plain`` sealed under the current key, bound to its row (account, type, digest)."""
        nonce = os.urandom(_NONCE)
        aad = _aad(FORMAT, self.key_id, account_id, signal_type, digest)
        return SealedValue(FORMAT, self.key_id, nonce + self._current.encrypt(nonce, plain.encode(), aad))

    def is_current(self, value: SealedValue) -> bool:
        """Whether ``value`` is in this version's format under the current key."""
        return value.format == FORMAT and value.key_id == self.key_id

    def open(self, value: SealedValue, account_id: str, signal_type: int, digest: bytes) -> str:
        """The plain value of a sealed row. Raises Unavailable (SEAL_KEY_MISMATCH) for a key
        this sealer does not hold, DataLoss (SEALED_VALUE_CORRUPT) for a damaged value."""
        data = bytes(value.data)
        if value.format == LEGACY_FORMAT:
            return self._open_legacy(data, account_id, signal_type)
        if value.format != FORMAT:
            raise _corrupt(f"its format {value.format} is unknown to this version", value)
        aead = self._by_id.get(value.key_id)
        if aead is None:
            raise Unavailable(
                f"a sealed identity value is under seal key id {value.key_id!r}, which is neither "
                f"linker.seal_key (key id {self.key_id}) nor one of linker.previous_seal_keys",
                reason="SEAL_KEY_MISMATCH", metadata={"key_id": value.key_id, "format": str(value.format)})
        if len(data) < _NONCE + _TAG:
            raise _corrupt("it is truncated", value)
        try:
            plain = aead.decrypt(data[:_NONCE], data[_NONCE:],
                                 _aad(value.format, value.key_id, account_id, signal_type, digest))
            return plain.decode()
        except (InvalidTag, UnicodeDecodeError):
            raise _corrupt("its key does not open it: the value or its row was altered", value) from None

    def _open_legacy(self, data: bytes, account_id: str, signal_type: int) -> str:
        if len(data) >= _NONCE + _TAG:
            aad = _aad(LEGACY_FORMAT, "", account_id, signal_type, b"")
            for aead in self._by_id.values():
                try:
                    plain = aead.decrypt(data[:_NONCE], data[_NONCE:], aad).decode()
                except (InvalidTag, UnicodeDecodeError):
                    continue
                self._legacy_opened = True
                return plain
        # A value without a key id cannot tell a wrong key from damage. Once another format-0
        # value has opened under a held key, damage it is; before, a missing key is the likelier
        # cause (every such value fails at once), so it is reported as the key.
        if self._legacy_opened:
            raise _corrupt("it opens under no held key, though other format-0 values do",
                           SealedValue(LEGACY_FORMAT, "", data))
        raise Unavailable(
            "a sealed identity value from before seal key ids (format 0) opens under neither "
            "linker.seal_key nor any of linker.previous_seal_keys: add the key it was sealed with "
            "to linker.previous_seal_keys", reason="SEAL_KEY_MISMATCH", metadata={"key_id": "", "format": "0"})


def _corrupt(why: str, value: SealedValue) -> DataLoss:
    return DataLoss(f"a sealed identity value is corrupt: {why}", reason="SEALED_VALUE_CORRUPT",
                    metadata={"key_id": value.key_id, "format": str(value.format)})


def previous_keys(values: Sequence[str]) -> list[bytes]:
    """``linker.previous_seal_keys`` as AES keys: 64 hex characters as they are, an older
    setting through :func:`legacy_key`."""
    return [bytes.fromhex(v) if is_seal_key_text(v) else legacy_key(v) for v in values]
