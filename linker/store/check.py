"""The store as one CheckAccount of new values sees it: what the check reads, fetched in as
few round trips as its dependencies allow, and answered from memory.

:meth:`linker.engine.Linker.check` with signals weighs them exactly as a registration would,
through the same evidence and placement code, which asks the store one question at a time (who
holds these values, how common are these terms, who holds these small blocks, what are those
accounts' sealed values, which persons are the joined accounts in ...): sixteen statements in
sequence, each a round trip on PostgreSQL. :class:`CheckReads` answers those questions from two
batched reads instead: :meth:`CheckReads.prefetch`, before the evidence (the account's row,
the holders of its values, the term counts, the small blocks' holders and their sealed values,
in one pipeline: :meth:`LinkStore.check_rows`), and :meth:`CheckReads.around`, before the
placement (the joined accounts' persons, members, rows, ranks, reviews and contracts, in one
more: :meth:`LinkStore.persons_rows`). A question they do not cover goes to the store, so the
answers are always the store's own.

A check writes nothing, and its reads, as before, see committed data statement by statement:
a write committed between two of them is seen by the later ones only, as between two round
trips. An account that is not stored holds no membership, review or contract (each needs the
account; erasure removes them with it), so those are known to be empty without a read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from linker.store.base import AccountRow, LinkStore, SealedRow
from linker.store.holders import distinct_values
from linker.store.read_through import counts_through, holders_through, reviews_through

__all__ = ["CheckReads"]


class CheckReads:
    """A :class:`LinkStore` for one check (see the module docstring); every other attribute is
    the store's own."""

    def __init__(self, store: LinkStore) -> None:
        self._store = store
        self._holders: dict[tuple[int, bytes], list[tuple[str, float]]] = {}
        self._holder_limits: dict[tuple[int, bytes], int] = {}
        self._posters: dict[tuple[int, bytes], list[tuple[str, str, float]]] = {}
        self._poster_limit = -1
        self._counts: dict[bytes, int] = {}
        self._block_holders: dict[bytes, list[str]] = {}
        self._sealed: dict[str, list[SealedRow]] = {}
        # Read through, complete per key: rows (None: not stored), persons (None: none),
        # members of persons, ranks (None: no such person), reviews per account; and all the
        # contracts of one account (``_contracts_of``), as ``(contract id, other account)``.
        self._accounts: dict[str, AccountRow | None] = {}
        self._person: dict[str, str | None] = {}
        self._members: dict[str, list[str]] = {}
        self._ranks: dict[str, int | None] = {}
        self._reviews: dict[str, list[tuple]] = {}
        self._contracts_of = ""
        self._contracts: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    # ---- the two batched reads ------------------------------------------------------------------
    def prefetch(self, account_id: str, values: Sequence[tuple[int, bytes]], limits: Sequence[int],
                 posted_values: Sequence[tuple[int, bytes]], posted_limit: int,
                 counted: Iterable[bytes], blocks: Iterable[bytes], block_cap: int) -> AccountRow | None:
        """Read what the evidence for the check's values reads (see :meth:`LinkStore.check_rows`);
        returns the account's row (None when it is not stored)."""
        rows = self._store.check_rows(account_id, values, limits, posted_values, posted_limit, counted, blocks,
                                      block_cap)
        values, limits = distinct_values(values, limits)
        self._holders = rows.holders
        self._holder_limits = dict(zip(values, limits, strict=True))
        self._posters, self._poster_limit = rows.posters, posted_limit
        self._counts = rows.counts
        self._block_holders = rows.block_holders
        self._sealed = rows.sealed
        if account_id:
            self._accounts[account_id] = rows.account
            if rows.account is None:
                self._person[account_id] = None
                self._reviews[account_id] = []
                self._contracts_of = account_id  # none: a contract needs both accounts stored
        return rows.account

    def around(self, account_ids: Iterable[str], checked: str) -> None:
        """Read what placing ``checked`` among ``account_ids`` reads (their persons, those
        persons' members, rows, ranks and reviews, and ``checked``'s contracts with them), for
        the accounts not read yet."""
        wanted = {a for a in account_ids if a not in self._person}
        if not wanted:
            return
        stored = self._accounts.get(checked) is not None
        rows = self._store.persons_rows(wanted, checked if stored and checked in wanted else "")
        members: dict[str, list[str]] = {}
        for account_id, person_id in rows.memberships:
            members.setdefault(person_id, []).append(account_id)
        covered = wanted | {a for a, _ in rows.memberships}
        for account_id in covered:
            self._person.setdefault(account_id, None)
            self._accounts.setdefault(account_id, rows.accounts.get(account_id))
            self._reviews.setdefault(account_id, [r for r in rows.reviews if account_id in (r[0], r[1])])
        for account_id, person_id in rows.memberships:
            self._person[account_id] = person_id
        for person_id, accounts in members.items():
            self._members[person_id] = sorted(accounts)
            self._ranks[person_id] = rows.ranks.get(person_id)
        if stored and checked in wanted:
            self._contracts_of, self._contracts = checked, rows.contracts

    # ---- answers ------------------------------------------------------------------------------
    def account(self, account_id: str) -> AccountRow | None:
        if account_id in self._accounts:
            return self._accounts[account_id]
        return self._store.account(account_id)

    def holders_together(
        self, values: Sequence[tuple[int, bytes]], limit: int | Sequence[int],
        posted_values: Sequence[tuple[int, bytes]], posted_limit: int,
    ) -> tuple[dict[tuple[int, bytes], list[tuple[str, float]]], dict[tuple[int, bytes], list[tuple[str, str, float]]]]:
        values, limits = distinct_values(values, limit)
        posted_values = list(dict.fromkeys((t, bytes(d)) for t, d in posted_values))
        if (any(self._holder_limits.get(v, -1) < n for v, n in zip(values, limits, strict=True))
                or (posted_values and (posted_limit > self._poster_limit
                                       or any(v not in self._posters for v in posted_values)))):
            return self._store.holders_together(values, limits, posted_values, posted_limit)
        # A value's stored holders come in store order; a shorter limit takes the first ones.
        return ({v: self._holders[v][:n] for v, n in zip(values, limits, strict=True)},
                {v: self._posters[v][:posted_limit] for v in posted_values})

    def signal_holders_many(self, values: Sequence[tuple[int, bytes]],
                            limit: int | Sequence[int]) -> dict[tuple[int, bytes], list[tuple[str, float]]]:
        return self.holders_together(values, limit, (), 0)[0]

    def fuzzy_counts(self, keys: Iterable[bytes]) -> dict[bytes, int]:
        return counts_through(self._counts, keys, self._store.fuzzy_counts)

    def fuzzy_holders(self, keys: Iterable[bytes]) -> set[str]:
        return holders_through(self._block_holders, keys, self._store.fuzzy_holders)

    def sealed_of(self, account_ids: Iterable[str]) -> list[SealedRow]:
        wanted = set(account_ids)
        missing = wanted - set(self._sealed)
        rows = [r for a in wanted - missing for r in self._sealed[a]]
        if missing:
            rows += self._store.sealed_of(missing)
        return sorted(rows, key=lambda r: (r.account_id, r.type, r.digest))  # as the store orders them

    def accounts(self, account_ids: Iterable[str]) -> dict[str, AccountRow]:
        wanted = set(account_ids)
        _read_through(self._accounts, wanted, self._store.accounts)
        return {a: row for a in wanted if (row := self._accounts[a]) is not None}

    def persons_of(self, account_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(account_ids)
        _read_through(self._person, wanted, self._store.persons_of)
        return {a: p for a in wanted if (p := self._person[a]) is not None}

    def members(self, person_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = set(person_ids)
        _read_through(self._members, wanted, self._store.members, list)
        return {p: list(self._members[p]) for p in wanted if self._members[p]}

    def person_ranks(self, person_ids: Iterable[str]) -> dict[str, int]:
        wanted = set(person_ids)
        _read_through(self._ranks, wanted, self._store.person_ranks)
        return {p: r for p in wanted if (r := self._ranks[p]) is not None}

    def reviews_for(self, account_ids: Iterable[str]) -> list[tuple[str, str, int, str, str, float]]:
        wanted = set(account_ids)
        reviews_through(self._reviews, [a for a in wanted if a not in self._reviews], self._store.reviews_for)
        return sorted({r for a in wanted for r in self._reviews[a]})

    def contracts_between(self, account_id: str, others: Iterable[str]) -> list[str]:
        others = set(others)
        if account_id != self._contracts_of:
            return self._store.contracts_between(account_id, others)
        return sorted(c for c, other in self._contracts if other in others)


def _read_through(cache: dict, keys: set, fetch: Any, empty: Any = lambda: None) -> None:
    """Fill ``cache`` for the ``keys`` not in it yet from one store read (``fetch``), with a
    new ``empty()`` for each key the store has nothing for."""
    missing = [k for k in keys if k not in cache]
    if missing:
        found = fetch(missing)
        cache.update((k, found[k] if k in found else empty()) for k in missing)
