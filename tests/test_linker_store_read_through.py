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


def test_reviews_are_filed_under_each_asked_end_from_one_fetch():
    from linker.store.read_through import reviews_through

    asked: list[list[str]] = []
    r1, r2 = ("a", "b", 1, "rev", "", 0.0), ("c", "a", 2, "rev", "", 1.0)

    def fetch(accounts: list[str]):
        asked.append(accounts)
        return [r1, r2]

    cached: dict[str, list[tuple]] = {"z": []}
    reviews_through(cached, ["a", "b"], fetch)
    assert asked == [["a", "b"]]
    assert cached == {"z": [], "a": [r1, r2], "b": [r1]}  # "c" was not asked about
    reviews_through(cached, [], fetch)
    assert len(asked) == 1
