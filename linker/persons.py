"""Persons from evidence: constrained union-find and stable person ids. Pure: no I/O.

Accounts joined by strong evidence form one person (a connected component), with reviewer
decisions on top: a forced unlink (cannot-link) wins over any evidence and over forced links; a
forced link (must-link) joins like strong evidence. Components are built greedily in a fixed
order (forced links, then evidence edges sorted), so the same inputs always give the same
persons.

Person ids are stable, like Senzing's entity ids and unlike a clustering run's labels:

- a merge keeps the oldest person id (the one created first);
- a split (after an erasure or a forced unlink) leaves the old id with the piece holding the
  person's oldest account, and gives every other piece a deterministic id derived from the old
  id and the piece's oldest account sequence number, so replaying the same events gives the
  same ids;
- an account with no person gets a new id derived from its sequence number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Assignment", "assign_person_ids", "cluster", "derived_person_id", "new_person_id"]


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {x: x for x in items}
        self.members = {x: {x} for x in self.parent}
        self.cannot: dict[str, set[str]] = {x: set() for x in self.parent}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.cannot[ra] & self.members[rb]:
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.cannot[ra] |= self.cannot.pop(rb)
        return True


def cluster(
    accounts: Iterable[str],
    edges: Iterable[tuple[str, str]],
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
) -> list[frozenset[str]]:
    """Components of ``accounts`` under joining ``edges``, reviewer links and unlinks.

    Pairs naming accounts outside ``accounts`` are ignored. Returns components sorted by their
    smallest account id.
    """
    uf = _UnionFind(accounts)
    known = uf.parent.keys()
    for a, b in cannot_link:
        if a in known and b in known and a != b:
            uf.cannot[a].add(b)
            uf.cannot[b].add(a)
    for a, b in sorted(_pairs(must_link, known)):
        uf.union(a, b)
    for a, b in sorted(_pairs(edges, known)):
        uf.union(a, b)
    groups: dict[str, set[str]] = {}
    for x in known:
        groups.setdefault(uf.find(x), set()).add(x)
    return sorted((frozenset(g) for g in groups.values()), key=min)


def _pairs(pairs: Iterable[tuple[str, str]], known: Iterable[str]) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in pairs if a in known and b in known and a != b}


def new_person_id(account_seq: int) -> str:
    """The id of a person first created by the account with sequence number ``account_seq``."""
    return "p-" + hashlib.sha256(f"new:{account_seq}".encode()).hexdigest()[:24]


def derived_person_id(parent: str, min_seq: int) -> str:
    """The deterministic id of a piece split from ``parent`` whose oldest account is ``min_seq``."""
    return "p-" + hashlib.sha256(f"split:{parent}:{min_seq}".encode()).hexdigest()[:24]


@dataclass
class Assignment:
    """The outcome of :func:`assign_person_ids`.

    ``person_of`` maps every account to its person; ``merged`` maps retired person ids to the
    id that absorbed them; ``split`` maps each new piece's id to the person it left;
    ``created`` lists brand-new persons; ``rank`` gives each person's creation rank (the oldest
    account sequence number it started from).
    """

    person_of: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    rank: dict[str, int] = field(default_factory=dict)


def assign_person_ids(
    components: Sequence[frozenset[str]],
    previous: Mapping[str, str],
    account_seq: Mapping[str, int],
    person_rank: Mapping[str, int],
    make_new: Callable[[int], str] = new_person_id,
) -> Assignment:
    """Give each component a person id, keeping old ids stable (see the module docstring).

    ``previous`` maps accounts to their person before the change, ``account_seq`` gives every
    account's sequence number (lower is older), ``person_rank`` each old person's creation rank.
    """
    out = Assignment()
    # The heir of an old person is the component holding that person's oldest account.
    oldest_member: dict[str, tuple[int, int]] = {}
    for index, comp in enumerate(components):
        for account in comp:
            person = previous.get(account)
            if person is None:
                continue
            key = (account_seq[account], index)
            if person not in oldest_member or key < oldest_member[person]:
                oldest_member[person] = key
    heir_of = {person: index for person, (_, index) in oldest_member.items()}
    for index, comp in enumerate(components):
        min_seq = min(account_seq[a] for a in comp)
        inherited = sorted(
            (person_rank.get(p, min_seq), p) for p, i in heir_of.items() if i == index
        )
        if inherited:
            rank, keep = inherited[0]
            for _, retired in inherited[1:]:
                out.merged[retired] = keep
        else:
            parents = sorted({(person_rank.get(p, 0), p) for a in comp if (p := previous.get(a))})
            if parents:
                keep = derived_person_id(parents[0][1], min_seq)
                out.split[keep] = parents[0][1]
            else:
                keep = make_new(min_seq)
                out.created.append(keep)
            rank = min_seq
        out.rank[keep] = rank
        for account in comp:
            out.person_of[account] = keep
    return out
