"""Read-through lookups: cached answers first, one fetch for the rest."""

from __future__ import annotations

from linker.store.read_through import counts_through, holders_through


def test_counts_come_from_the_cache_and_one_fetch_of_the_missing_keys():
    asked: list[list[bytes]] = []

    def fetch(keys: list[bytes]) -> dict[bytes, int]:
        asked.append(keys)
        return {k: 7 for k in keys}

    assert counts_through({b"a": 2, b"b": 0}, [b"a", b"b", b"c", b"d"], fetch) == {b"a": 2, b"b": 0, b"c": 7, b"d": 7}
    assert asked == [[b"c", b"d"]]  # a cached zero is an answer, not a miss
    assert counts_through({b"a": 2}, [b"a"], fetch) == {b"a": 2} and len(asked) == 1


def test_holders_join_cached_and_fetched_blocks():
    asked: list[list[bytes]] = []

    def fetch(keys: list[bytes]) -> set[str]:
        asked.append(keys)
        return {"acc-9"}

    assert holders_through({b"a": ["acc-1", "acc-2"], b"b": []}, [b"a", b"b", b"c"], fetch) == {"acc-1", "acc-2", "acc-9"}
    assert asked == [[b"c"]]
    assert holders_through({b"b": []}, [b"b"], fetch) == set() and len(asked) == 1
