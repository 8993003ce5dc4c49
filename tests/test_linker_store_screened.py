"""The store's rows for what screening found (linker/store/screened.py), on both backends:
posted details once per account and value, holders, shared details, text fingerprints kept
to the newest few, boilerplate bands left out, and erasure."""

from __future__ import annotations

import pytest

from linker.store import open_store

pytest_plugins = ["tests.conftest_linker"]

PHONE, EMAIL, CARD = 11, 10, 1002


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    yield s
    s.close()


def _account(store, account_id: str) -> None:
    with store.write():
        store.upsert_account(account_id, 1, "", 1.0)


def test_posted_details_are_kept_once_with_their_first_provenance(store):
    _account(store, "a")
    with store.write():
        assert store.add_posted("a", [(PHONE, b"p" * 32, "chat", 5.0), (PHONE, b"p" * 32, "chat", 5.0)], keep=10) == 1
        assert store.add_posted("a", [(PHONE, b"p" * 32, "invite", 9.0), (CARD, b"c" * 32, "invite", 9.0)], keep=10) == 1
    assert sorted(store.posted_of("a")) == [(PHONE, b"p" * 32, "chat", 5.0), (CARD, b"c" * 32, "invite", 9.0)]


def test_an_account_keeps_its_newest_posted_details(store):
    _account(store, "a")
    with store.write():
        for i in range(5):
            assert store.add_posted("a", [(CARD, bytes([i]) * 32, "chat", float(i))], keep=3) == 1
        assert store.add_posted("a", [(CARD, bytes([4]) * 32, "chat", 9.0)], keep=3) == 0  # held: no change
    assert sorted(t for _, _, _, t in store.posted_of("a")) == [2.0, 3.0, 4.0]  # the two oldest went


def test_holders_and_shared_details(store):
    for a in ("a", "b", "c"):
        _account(store, a)
    with store.write():
        store.add_signals("b", [(PHONE, b"p" * 32, 2.0)])
        store.add_posted("a", [(PHONE, b"p" * 32, "chat", 3.0), (CARD, b"c" * 32, "chat", 3.0)], keep=10)
        store.add_posted("c", [(CARD, b"c" * 32, "proposal", 4.0)], keep=10)
    held = store.posted_holders_many([(PHONE, b"p" * 32), (CARD, b"c" * 32), (EMAIL, b"e" * 32)], 10)
    assert held[(PHONE, b"p" * 32)] == [("a", "chat", 3.0)] and held[(EMAIL, b"e" * 32)] == []
    assert sorted(held[(CARD, b"c" * 32)]) == [("a", "chat", 3.0), ("c", "proposal", 4.0)]
    shared = sorted(store.shared_posted(["a", "b", "c"]))
    assert shared == [("a", "b", PHONE, b"p" * 32, "chat", "", 3.0), ("a", "c", CARD, b"c" * 32, "chat", "proposal", 4.0)]
    assert store.shared_posted(["a"]) == []


def test_texts_keep_the_newest_and_boilerplate_bands_find_nobody(store):
    for a in ("a", "b", "c"):
        _account(store, a)
    with store.write():
        for i in range(4):
            assert store.add_text("a", bytes([i]) * 32, bytes([i]) * 8, [b"band-%d" % i, b"common"], float(i), keep=3)
        assert not store.add_text("a", bytes([3]) * 32, b"x" * 8, [b"band-3"], 9.0, keep=3)  # the same text again
        store.add_text("b", b"b" * 32, b"y" * 8, [b"common"], 1.0, keep=3)
        store.add_text("c", b"c" * 32, b"z" * 8, [b"common"], 1.0, keep=3)
    assert sorted(t for _, _, t in store.texts_of(["a"])) == [1.0, 2.0, 3.0]  # the oldest went, with its bands
    assert store.text_candidates([b"band-0"], 10) == set()
    assert store.text_candidates([b"band-2", b"common"], 10) == {"a", "b", "c"}
    assert store.text_candidates([b"band-2", b"common"], 2) == {"a"}  # "common" is held by three


def test_erasure_takes_the_accounts_screened_rows(store):
    _account(store, "a")
    with store.write():
        store.add_posted("a", [(PHONE, b"p" * 32, "chat", 3.0)], keep=10)
        store.add_text("a", b"t" * 32, b"s" * 8, [b"band"], 1.0, keep=3)
        assert store.erase_account("a") == 2
    assert store.posted_of("a") == [] and store.texts_of(["a"]) == [] and store.text_candidates([b"band"], 10) == set()
