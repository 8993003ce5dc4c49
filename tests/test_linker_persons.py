"""Constrained union-find and stable person ids (pure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linker.persons import assign_person_ids, cluster, derived_person_id, new_person_id


def test_cluster_with_unlinks_and_links():
    comps = cluster("abcde", [("a", "b"), ("b", "c"), ("d", "e")], must_link=[("c", "d")], cannot_link=[("a", "e")])
    # c-d forced first; edges in sorted order: a-b, b-c join; d-e would put e with a: refused.
    assert sorted(map(sorted, comps)) == [["a", "b", "c", "d"], ["e"]]
    for comp in comps:
        assert not {"a", "e"} <= comp


def test_unlink_beats_forced_link():
    comps = cluster("ab", [], must_link=[("a", "b")], cannot_link=[("a", "b")])
    assert len(comps) == 2


def test_merge_keeps_oldest_id_and_split_is_deterministic():
    seq = {"a": 1, "b": 2, "c": 3, "d": 4}
    merged = assign_person_ids([frozenset("abcd")], {"a": "P2", "b": "P2", "c": "P1"}, seq, {"P1": 0, "P2": 1})
    assert set(merged.person_of.values()) == {"P1"} and merged.merged == {"P2": "P1"}
    prev = {x: "P1" for x in "abcd"}
    split1 = assign_person_ids([frozenset("ab"), frozenset("cd")], prev, seq, {"P1": 1})
    split2 = assign_person_ids([frozenset("cd"), frozenset("ab")], prev, seq, {"P1": 1})
    assert split1.person_of == split2.person_of
    assert split1.person_of["a"] == "P1" and split1.person_of["c"] == derived_person_id("P1", 3)
    fresh = assign_person_ids([frozenset("x")], {}, {"x": 9}, {})
    assert fresh.person_of == {"x": new_person_id(9)} and fresh.created == [new_person_id(9)]


@settings(deadline=None)  # the machine is shared: no wall-clock deadline
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30),
       st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=5))
def test_components_partition_and_respect_unlinks(edges, unlinks):
    names = [f"n{i}" for i in range(10)]
    e = [(f"n{a}", f"n{b}") for a, b in edges]
    u = [(f"n{a}", f"n{b}") for a, b in unlinks if a != b]
    comps = cluster(names, e, cannot_link=u)
    assert sorted(x for c in comps for x in c) == sorted(names)
    for a, b in u:
        assert not any(a in c and b in c for c in comps)
    if not u:  # without constraints, components are exactly the graph's connected components
        for a, b in e:
            assert any(a in c and b in c for c in comps)
    again = cluster(list(reversed(names)), list(reversed(e)), cannot_link=u)
    assert sorted(map(sorted, again)) == sorted(map(sorted, comps))
