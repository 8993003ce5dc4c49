"""The store on both backends: migrations, signals, faces, persons, reviews, erasure."""

from __future__ import annotations

import numpy as np
import pytest

from idverify.db.url import is_postgres_url
from linker.store import PostgresStore, SqliteStore, open_store
from linker.store.migrations import MIGRATIONS

pytest_plugins = ["tests.conftest_linker"]


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def test_open_store_picks_backend_and_migrates(store, store_url):
    assert isinstance(store, PostgresStore if is_postgres_url(store_url) else SqliteStore)
    assert store.schema_versions() == [v for v, _, _ in MIGRATIONS]
    store.close()
    again = open_store(store_url)  # re-opening applies nothing twice
    assert again.schema_versions() == [v for v, _, _ in MIGRATIONS]
    again.close()


def test_signals_round_trip_and_first_seen_sticks(store):
    with store.write():
        a, a_new = store.upsert_account("a", 1, "", 10.0)
        b, _ = store.upsert_account("b", 2, "", 11.0)
        again, again_new = store.upsert_account("a", 1, "", 10.0)  # the same time again: not new
        store.add_signals("a", [(7, b"\x01" * 32, 10.0), (6, b"\x02" * 32, 10.0)])
        store.add_signals("b", [(7, b"\x01" * 32, 11.0)])
        store.add_signals("a", [(7, b"\x01" * 32, 99.0)])
    assert a.seq < b.seq and a.ref != b.ref
    assert a_new and not again_new and again.ref == a.ref
    assert sorted(store.signal_holders(7, b"\x01" * 32, 10)) == [("a", 10.0), ("b", 11.0)]
    assert store.signal_holders(7, b"\x01" * 32, 1) in ([("a", 10.0)], [("b", 11.0)])
    assert store.shared_signals(["a", "b"]) == [("a", "b", 7, b"\x01" * 32, 11.0)]
    assert len(store.signals_of("a")) == 2


def test_failed_write_rolls_back(store):
    with pytest.raises(RuntimeError), store.write():
        store.upsert_account("gone", 1, "", 1.0)
        raise RuntimeError("boom")
    assert store.account("gone") is None


def test_faces(store):
    emb = np.arange(128, dtype=np.float32) / 128
    with store.write():
        store.upsert_account("a", 1, "", 1.0)
        face_id = store.add_face("a", emb, 1.0)
    (row,) = store.faces_of(["a"])
    assert row.face_id == face_id and np.array_equal(row.embedding, emb)
    assert store.faces_by_id([face_id, 999]) == {face_id: ("a", 1.0)}
    assert [f.face_id for f in store.faces_after(0)] == [face_id]


def test_persons_reviews_erasure(store):
    with store.write():
        for name in "abc":
            store.upsert_account(name, 1, "", 1.0)
        store.set_persons({"a": "p1", "b": "p1", "c": "p2"}, {"p1": 1, "p2": 3}, 1.0)
        store.set_review("b", "a", 2, "rev-1", "different people", 2.0)
        store.add_contract("k1", "a", "c", 1, 3.0)
        store.add_signals("a", [(7, b"x" * 32, 1.0)])
        store.append_event("link", account_ref=store.account("a").ref)
    assert store.members(["p1"]) == {"p1": ["a", "b"]}
    assert store.reviews_for(["a"]) == [("a", "b", 2, "rev-1", "different people", 2.0)]
    with store.write():
        store.set_persons({"c": "p1"}, {}, 4.0)  # p2 loses its only member
        assert store.erase_account("a") == 1
    assert store.person_ranks(["p1", "p2"]) == {"p1": 1}
    dump = store.dump()
    flat = repr({k: v for k, v in dump.items() if k != "link_events"})
    assert "'a'" not in flat
    assert store.reviews_for(["b"]) == []


def test_sqlite_checkpoints_in_the_background_and_truncates_at_close(tmp_path):
    """Commits only append to the WAL; a background thread copies the pages into the database
    file, and closing the store leaves an empty WAL."""
    import time

    path = tmp_path / "c.sqlite3"
    store = SqliteStore(path)
    before = path.stat().st_size
    with store.write():
        for i in range(3000):
            store.upsert_account(f"acct-{i:05d}", 1, "", 1.0)
    deadline = time.monotonic() + 30
    while path.stat().st_size <= before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size > before  # checkpointed without anyone asking
    store.close()
    wal = tmp_path / "c.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    again = SqliteStore(path)
    assert again.account_count() == 3000
    again.close()


def _integrity_errors() -> tuple[type[Exception], ...]:
    import sqlite3

    import psycopg

    return sqlite3.IntegrityError, psycopg.IntegrityError


def test_writes_queued_in_a_transaction_are_seen_by_its_next_read_and_stored_at_commit(store):
    keys = [i.to_bytes(4, "big") for i in range(1200)]  # more than one multi-row statement
    with store.write():
        store.upsert_account("q", 1, "", 1.0)
        store.add_signals("q", [(7, b"\x03" * 32, 1.0)])
        store.add_identity("q", [], keys, new_account=True)
        store.add_person("q", "p-q", 1, 1.0)
        assert store.signal_holders(7, b"\x03" * 32, 10) == [("q", 1.0)]  # read after the queued writes
        assert store.persons_of(["q"]) == {"q": "p-q"}
        store.add_identity("q", [], keys[:5] + [b"new"])  # held terms are not counted twice
    assert store.fuzzy_counts(keys + [b"new", b"absent"]) == {**dict.fromkeys(keys, 1), b"new": 1, b"absent": 0}
    assert store.fuzzy_holders(keys[:3]) == {"q"}


def test_a_queued_write_that_fails_rolls_the_whole_transaction_back(store):
    with pytest.raises(_integrity_errors()), store.write():
        store.upsert_account("dup", 1, "", 1.0)
        store.add_signals("dup", [(7, b"\x04" * 32, 1.0)])
        store.add_identity("dup", [], [b"k"], new_account=True)
        store.add_identity("dup", [], [b"k"], new_account=True)  # told wrongly it holds none: a duplicate row
    assert store.account("dup") is None and store.signal_holders(7, b"\x04" * 32, 10) == []
    assert store.fuzzy_counts([b"k"]) == {b"k": 0}
    with store.write():  # the connection is usable again
        store.upsert_account("after", 1, "", 2.0)
        store.add_person("after", "p-after", 2, 2.0)
    assert store.persons_of(["after"]) == {"after": "p-after"}


def test_a_write_outside_a_transaction_runs_at_once(store):
    store.upsert_account("o", 1, "", 1.0)
    store.add_person("o", "p-o", 1, 1.0)
    assert store.persons_of(["o"]) == {"o": "p-o"}


def test_a_transaction_buffers_rows_per_table_and_reads_see_them(store):
    """Rows of several registrations go as one statement per table (summed counts, order kept
    within a table); a read of a table sees its buffered rows, reads of others do not need them."""
    face = np.arange(128, dtype=np.float32)
    with store.write():
        stored, _ = store.upsert_account("s", 1, "", 1.0)
        inserted = store.insert_accounts([("n1", 1, ""), ("s", 2, ""), ("n2", 2, "s")], 2.0)
        assert list(inserted) == ["n1", "n2"] and inserted["n1"].seq < inserted["n2"].seq
        assert store.account("s").kind == 1  # a stored account is left alone
        for i, account in enumerate(["n1", "n2"]):
            store.add_identity(account, [], [b"shared", account.encode()], new_account=True)
            store.add_face_later(account, face + i, 3.0 + i)
            store.log_event("register", account_ref=account, now=3.0 + i)
            assert store.reviews_for([account]) == []  # another table: nothing needed
        assert store.fuzzy_counts([b"shared", b"n1"]) == {b"shared": 2, b"n1": 1}
        assert store.fuzzy_holders_by_key([b"shared", b"none"]) == {b"shared": ["n1", "n2"], b"none": []}
        assert [f.account_id for f in store.faces_after(0)] == ["n1", "n2"]
    assert [e[3] for e in store.events()] == ["n1", "n2"]
    assert store.memberships_around(["n1"]) == [] and stored.seq < inserted["n1"].seq


def test_rows_buffered_in_a_failed_transaction_are_not_stored(store):
    with pytest.raises(RuntimeError), store.write():
        store.insert_accounts([("gone", 1, "")], 1.0)
        store.add_identity("gone", [], [b"g"], new_account=True)
        store.log_event("register", account_ref="gone", now=1.0)
        raise RuntimeError("boom")
    with store.write():
        store.add_identity("kept", [], [b"g"], new_account=True)
    assert store.account("gone") is None and store.events() == []
    assert store.fuzzy_counts([b"g"]) == {b"g": 1}
