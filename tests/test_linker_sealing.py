"""Sealing of identity values at rest (AES-256-GCM): formats, key ids, the row binding, damaged
values, and re-sealing a real store (SQLite file and PostgreSQL) under a new key."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from idverify.errors import DataLoss, Unavailable
from idverify.app.seal_rotation import reseal_store
from linker.sealing import FORMAT, LEGACY_FORMAT, SealedValue, Sealer, key_id, legacy_key, previous_keys
from linker.store import PostgresStore, SqliteStore, open_store
from linker.store.migrations import MIGRATIONS

pytest_plugins = ["tests.conftest_linker"]

K1, K2, K3 = bytes(range(32)), bytes(range(32, 64)), bytes(range(64, 96))
NAME, DOC = 1, 3
ROW = ("acc-1", DOC, b"d" * 32)


def test_round_trip_fresh_nonces_format_and_key_id():
    s = Sealer(K1)
    a, b = s.seal("1957-09-13|ZEBULON QUARTERMAN", *ROW), s.seal("1957-09-13|ZEBULON QUARTERMAN", *ROW)
    assert a.data != b.data and b"QUARTERMAN" not in a.data
    assert (a.format, a.key_id) == (FORMAT, key_id(K1)) and s.is_current(a)
    assert s.open(a, *ROW) == "1957-09-13|ZEBULON QUARTERMAN"


def test_a_key_id_names_the_key_without_revealing_it():
    assert len(key_id(K1)) == 16 and key_id(K1) != key_id(K2)
    assert key_id(K1) not in K1.hex() and key_id(K1) == key_id(bytes(K1))
    assert K1.hex() not in repr(Sealer(K1)) and key_id(K1) in repr(Sealer(K1))


@pytest.mark.parametrize("moved", [("acc-2", DOC, b"d" * 32), ("acc-1", NAME, b"d" * 32), ("acc-1", DOC, b"e" * 32)],
                         ids=["other-account", "other-type", "other-row-same-account-and-type"])
def test_a_value_moved_to_another_row_is_detected(moved):
    s = Sealer(K1)
    with pytest.raises(DataLoss) as err:
        s.open(s.seal("AUS:7364009", *ROW), *moved)
    assert err.value.reason == "SEALED_VALUE_CORRUPT" and err.value.metadata["key_id"] == key_id(K1)


def test_a_value_relabelled_with_another_key_id_does_not_open():
    s = Sealer(K1, [K2])
    value = s.seal("AUS:7364009", *ROW)
    with pytest.raises(DataLoss):
        s.open(SealedValue(FORMAT, key_id(K2), value.data), *ROW)


@pytest.mark.parametrize("damage", [
    lambda d: d[:-1] + bytes([d[-1] ^ 1]),  # a flipped tag bit
    lambda d: d[:20],  # truncated inside the ciphertext and tag
    lambda d: d[:5],  # truncated inside the nonce
    lambda d: b"",
])
def test_damaged_values_give_sealed_value_corrupt(damage):
    s = Sealer(K1)
    value = s.seal("AUS:7364009", *ROW)
    with pytest.raises(DataLoss) as err:
        s.open(SealedValue(value.format, value.key_id, damage(value.data)), *ROW)
    assert err.value.reason == "SEALED_VALUE_CORRUPT"
    assert "7364009" not in err.value.message


def test_an_unknown_format_is_corrupt_not_internal():
    s = Sealer(K1)
    value = s.seal("x", *ROW)
    with pytest.raises(DataLoss, match="format 9"):
        s.open(SealedValue(9, value.key_id, value.data), *ROW)


def test_an_unknown_key_id_is_seal_key_mismatch_naming_it():
    value = Sealer(K1).seal("AUS:7364009", *ROW)
    with pytest.raises(Unavailable) as err:
        Sealer(K2, [K3]).open(value, *ROW)
    assert err.value.reason == "SEAL_KEY_MISMATCH"
    assert err.value.metadata["key_id"] == key_id(K1) and key_id(K1) in err.value.message


def test_previous_keys_open_but_never_seal():
    old = Sealer(K1).seal("AUS:7364009", *ROW)
    rotated = Sealer(K2, [K1])
    assert rotated.open(old, *ROW) == "AUS:7364009" and not rotated.is_current(old)
    assert rotated.seal("AUS:7364009", *ROW).key_id == key_id(K2)


def _legacy_seal(key: bytes, plain: str, account_id: str, signal_type: int) -> SealedValue:
    """A value as the sealer before key ids wrote it (store migration 3)."""
    nonce = os.urandom(12)
    data = nonce + AESGCM(key).encrypt(nonce, plain.encode(), f"{account_id}:{signal_type}".encode())
    return SealedValue(LEGACY_FORMAT, "", data)


def test_format_0_values_open_under_the_current_or_a_previous_key():
    old = _legacy_seal(K1, "AUS:7364009", "acc-1", DOC)
    assert Sealer(K1).open(old, *ROW) == "AUS:7364009"
    assert Sealer(K2, [K1]).open(old, *ROW) == "AUS:7364009"
    with pytest.raises(Unavailable) as err:
        Sealer(K2).open(old, *ROW)
    assert err.value.reason == "SEAL_KEY_MISMATCH" and err.value.metadata["format"] == "0"


def test_a_format_0_value_is_corrupt_once_another_opened_under_a_held_key():
    sealer = Sealer(K2, [K1])
    good, bad = _legacy_seal(K1, "AUS:7364009", "acc-1", DOC), _legacy_seal(K1, "AUS:7364010", "acc-1", DOC)
    damaged = SealedValue(LEGACY_FORMAT, "", bad.data[:-1] + bytes([bad.data[-1] ^ 1]))
    with pytest.raises(Unavailable):  # nothing opened yet: a missing key is the likelier cause
        sealer.open(damaged, *ROW)
    assert not sealer.legacy_opened and sealer.open(good, *ROW) == "AUS:7364009" and sealer.legacy_opened
    with pytest.raises(DataLoss) as err:
        sealer.open(damaged, *ROW)
    assert err.value.reason == "SEALED_VALUE_CORRUPT" and err.value.metadata["format"] == "0"


def test_an_old_short_seal_key_setting_reads_what_it_sealed():
    # Before 64 hex characters were required, "any string of 16+ characters" was stretched by
    # one SHA-256; such a setting is accepted in previous_seal_keys to read and upgrade.
    text = "service-test-seal-key"
    assert legacy_key(text) == hashlib.sha256(text.encode()).digest()
    short_hex = "00112233445566778899aabbccddeeff"  # 16 bytes: hex, stretched
    assert legacy_key(short_hex) == hashlib.sha256(bytes.fromhex(short_hex)).digest()
    assert previous_keys([K1.hex(), text]) == [K1, legacy_key(text)]
    old = _legacy_seal(legacy_key(text), "AUS:7364009", "acc-1", DOC)
    assert Sealer(K2, previous_keys([text])).open(old, *ROW) == "AUS:7364009"


def test_keys_must_be_256_bits():
    for bad in (b"", b"x" * 16, b"x" * 31, b"x" * 33):
        with pytest.raises(ValueError):
            Sealer(bad)
    with pytest.raises(ValueError):
        Sealer(K1, [b"short"])


# ---- re-sealing a real store ----------------------------------------------------------------
@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def _fill(store, sealer: Sealer, n: int, prefix: str = "acc") -> dict[tuple[str, int, bytes], str]:
    plain = {}
    with store.write():
        for i in range(n):
            account = f"{prefix}-{i:03d}"
            store.upsert_account(account, 1, "", 1.0)
            rows = []
            for t, value in ((NAME, f"1957-09-13|PERSON {i}"), (DOC, f"AUS:{7364000 + i}")):
                digest = hashlib.sha256(f"{account}{t}".encode()).digest()
                rows.append((t, digest, sealer.seal(value, account, t, digest), 1.0))
                plain[(account, t, digest)] = value
            store.add_identity(account, rows, [])
    return plain


def _read_all(store, sealer: Sealer) -> dict[tuple[str, int, bytes], str]:
    accounts = {r[0] for r in store.dump()["link_sealed"]}
    return {(r.account_id, r.type, r.digest): sealer.open(r.value, r.account_id, r.type, r.digest)
            for r in store.sealed_of(accounts)}


def test_reseal_rotates_every_value_and_the_old_key_can_go(store):
    plain = _fill(store, Sealer(K1), 7)
    progress = []
    report = reseal_store(store, Sealer(K2, [K1]), batch=3, progress=lambda r, pending: progress.append(
        (r.resealed, pending)))
    assert report.resealed == 14 and not report.corrupt
    assert progress == [(6, 14), (12, 14), (14, 14)]
    assert store.sealed_key_counts() == {(FORMAT, key_id(K2)): 14}
    assert _read_all(store, Sealer(K2)) == plain  # K1 dropped: everything still opens
    again = reseal_store(store, Sealer(K2, [K1]), batch=3)  # safe to re-run: nothing left to do
    assert again.resealed == 0 and store.sealed_pending(FORMAT, key_id(K2)) == 0


def test_reseal_resumes_after_an_interruption(store):
    plain = _fill(store, Sealer(K1), 5)

    class Stop(Exception):
        pass

    def stop_after_first(report, pending):
        raise Stop

    with pytest.raises(Stop):
        reseal_store(store, Sealer(K2, [K1]), batch=2, progress=stop_after_first)
    assert store.sealed_pending(FORMAT, key_id(K2)) == 6  # the first batch (2 accounts) committed
    assert reseal_store(store, Sealer(K2, [K1]), batch=2).resealed == 6
    assert _read_all(store, Sealer(K2)) == plain


def test_reseal_leaves_and_reports_corrupt_values_and_stops_at_an_unknown_key(store):
    plain = _fill(store, Sealer(K1), 3)
    store._exec("UPDATE link_sealed SET sealed = ? WHERE account_id = ? AND type = ?", (b"\x00" * 10, "acc-001", DOC))
    report = reseal_store(store, Sealer(K2, [K1]), batch=10)
    assert report.corrupt == [("acc-001", DOC)] and report.resealed == 5
    del plain[next(k for k in plain if k[:2] == ("acc-001", DOC))]
    assert store.sealed_key_counts() == {(FORMAT, key_id(K1)): 1, (FORMAT, key_id(K2)): 5}
    _fill(store, Sealer(K3), 1, prefix="other")
    with pytest.raises(Unavailable) as err:
        reseal_store(store, Sealer(K2, [K1]), batch=10)
    assert err.value.reason == "SEAL_KEY_MISMATCH" and err.value.metadata["key_id"] == key_id(K3)


def _as_format_0(store, key: bytes, plain: dict, account: str, damage: bool = False) -> None:
    """Rewrite ``account``'s rows as the sealer before key ids wrote them, the tag damaged if asked."""
    for (acc, t, digest), value in plain.items():
        if acc == account:
            data = _legacy_seal(key, value, acc, t).data
            data = data[:-1] + bytes([data[-1] ^ 1]) if damage else data
            store._exec("UPDATE link_sealed SET sealed = ?, seal_format = 0, key_id = '' "
                        "WHERE account_id = ? AND type = ? AND digest = ?", (data, acc, t, digest))


def test_reseal_counts_a_damaged_format_0_value_as_corrupt_and_rotates_the_rest(store):
    plain = _fill(store, Sealer(K1), 4)
    for i in range(4):  # acc-000 comes first: damaged before any format-0 value has opened
        _as_format_0(store, K1, plain, f"acc-{i:03d}", damage=i == 0)
    report = reseal_store(store, Sealer(K2, [K1]), batch=1)
    assert report.resealed == 6 and sorted(report.corrupt) == [("acc-000", NAME), ("acc-000", DOC)]
    assert store.sealed_key_counts() == {(LEGACY_FORMAT, ""): 2, (FORMAT, key_id(K2)): 6}
    rotated = store.sealed_of([f"acc-{i:03d}" for i in range(1, 4)])
    assert {(r.account_id, r.type, r.digest): Sealer(K2).open(r.value, r.account_id, r.type, r.digest)
            for r in rotated} == {k: v for k, v in plain.items() if k[0] != "acc-000"}


def test_reseal_stops_at_format_0_values_when_none_opens_after_rotating_the_rest(store):
    plain = _fill(store, Sealer(K1), 3)
    _as_format_0(store, K3, plain, "acc-001")  # sealed under a key no setting holds
    with pytest.raises(Unavailable) as err:
        reseal_store(store, Sealer(K2, [K1]), batch=1)
    assert err.value.reason == "SEAL_KEY_MISMATCH" and err.value.metadata["values"] == "2"
    assert store.sealed_key_counts() == {(LEGACY_FORMAT, ""): 2, (FORMAT, key_id(K2)): 4}


def _store_at_migration_3(store_url: str):
    """The store as the release before key ids left it (migrations 1-3 only)."""
    cls = PostgresStore if store_url.startswith("postgresql") else SqliteStore
    return type("OldStore", (cls,), {"migrations": MIGRATIONS[:3]})(store_url)


def test_values_from_before_key_ids_are_read_and_upgraded(store_url):
    old_key = legacy_key("the-old-short-seal-key")
    before = _store_at_migration_3(store_url)
    digest = b"n" * 32
    legacy = _legacy_seal(old_key, "1957-09-13|ZEBULON QUARTERMAN", "acc-1", NAME)
    with before.write():
        before.upsert_account("acc-1", 1, "", 1.0)
        before._exec("INSERT INTO link_sealed (account_id, type, digest, sealed, first_seen) VALUES (?, ?, ?, ?, ?)",
                     ("acc-1", NAME, digest, legacy.data, 1.0))
    before.close()
    store = open_store(store_url)  # migration 4: the old row is format 0 without a key id
    try:
        (row,) = store.sealed_of(["acc-1"])
        assert (row.value.format, row.value.key_id) == (LEGACY_FORMAT, "")
        sealer = Sealer(K2, [old_key])
        assert sealer.open(row.value, "acc-1", NAME, digest) == "1957-09-13|ZEBULON QUARTERMAN"
        assert reseal_store(store, sealer).resealed == 1
        (row,) = store.sealed_of(["acc-1"])
        assert Sealer(K2).open(row.value, "acc-1", NAME, digest) == "1957-09-13|ZEBULON QUARTERMAN"
    finally:
        store.close()
