"""Sealing of identity values at rest (AES-256-GCM)."""

from __future__ import annotations

import pytest

from idverify.errors import Unavailable
from linker.sealing import Sealer


def test_round_trip_and_fresh_nonces():
    s = Sealer(bytes(range(32)))
    a, b = s.seal("1957-09-13|ZEBULON QUARTERMAN", "acc:2"), s.seal("1957-09-13|ZEBULON QUARTERMAN", "acc:2")
    assert a != b and b"QUARTERMAN" not in a
    assert s.open(a, "acc:2") == "1957-09-13|ZEBULON QUARTERMAN"


def test_a_value_moved_to_another_row_or_key_does_not_open():
    s = Sealer(bytes(range(32)))
    sealed = s.seal("AUS:7364009", "acc-1:1")
    with pytest.raises(Unavailable):
        s.open(sealed, "acc-2:1")
    with pytest.raises(Unavailable):
        Sealer(b"another key of 32 bytes........").open(sealed, "acc-1:1")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(Unavailable):
        s.open(tampered, "acc-1:1")


def test_short_keys_are_refused_and_hidden():
    with pytest.raises(ValueError):
        Sealer(b"short")
    assert "key" in repr(Sealer(b"x" * 20)) and "x" * 20 not in repr(Sealer(b"x" * 20))
