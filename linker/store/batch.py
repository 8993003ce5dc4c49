"""The store as one batch of registrations sees it: the batch's reads fetched up front, one
statement per table for all its accounts, and kept in step with what the batch writes.

:meth:`linker.engine.Linker.register_many` decides each account exactly as registering them
one after the other would, so account ``i`` must see what accounts ``0..i-1`` of the batch
wrote. Asking the store each time costs a round trip per read per account; instead
:meth:`BatchReads.prefetch` reads, for every account of the batch at once, the stored rows the
common registration reads (signal holders, fuzzy term counts and holders, sealed values of the
candidates, posted-detail holders, face owners), and each write of the batch is applied to
those rows in memory as it is buffered for the store (:meth:`idverify.db.Database._insert_later`).
A read the prefetch does not cover (an account joining a person, a stored account adding
signals) goes to the store, after the buffered writes, and sees the same rows.

Only valid inside the batch's write transaction: the store's write lock keeps every other
writer out, so the stored rows read up front stay what they are until the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from linker.store.base import AccountRow, LinkStore, SealedRow, SealedValue
from linker.store.holders import distinct_values
from linker.store.read_through import counts_through, holders_through, reviews_through

__all__ = ["BatchReads"]


class BatchReads:
    """A :class:`LinkStore` for one batch (see the module docstring); every other attribute is
    the store's own."""

    def __init__(self, store: LinkStore) -> None:
        self._store = store
        self._new: dict[str, AccountRow] = {}
        # (type, digest) -> holders in store order, then the batch's; with the stored limit read.
        self._holders: dict[tuple[int, bytes], list[tuple[str, float]]] = {}
        self._holders_limit = 0
        self._counts: dict[bytes, int] = {}
        self._key_holders: dict[bytes, list[str]] = {}
        self._sealed: dict[str, list[SealedRow]] = {}
        self._posted: dict[tuple[int, bytes], list[tuple[str, str, float]]] = {}
        self._posted_limit = 0
        self._faces: dict[int, tuple[str, float]] = {}
        self._next_label = -1
        # What linking an account into a person reads, cached as read (complete per key) and
        # kept in step with the batch's writes: accounts (None: not stored), each account's
        # person (None: none), each person's members and rank (None: no such person), and
        # the reviewer decisions touching each account. Accounts inserted by this batch hold
        # no reviews or contracts (both need the account to exist).
        self._accounts: dict[str, AccountRow | None] = {}
        self._inserted: set[str] = set()
        self._person: dict[str, str | None] = {}
        self._members: dict[str, list[str]] = {}
        self._ranks: dict[str, int | None] = {}
        self._reviews: dict[str, list[tuple]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def prefetch(self, accounts: Sequence[tuple[str, int, str]], now: float, *,
                 exact: Iterable[tuple[int, bytes]], holders_limit: int, name_type: int,
                 fuzzy_keys: Iterable[bytes], block_keys: Iterable[bytes], block_cap: int,
                 posted: Iterable[tuple[int, bytes]], posted_limit: int, face_ids: Iterable[int],
                 joining_limit: int) -> None:
        """Insert the batch's new accounts (``(account_id, kind, owner)`` in batch order) and
        read what their registrations read: the holders of the ``exact`` values (up to
        ``holders_limit`` each), the counts of ``fuzzy_keys``, the holders of the
        ``block_keys`` counted at most ``block_cap``, the sealed values of the candidates
        these give (holders of a ``name_type`` value and of a small block) and of the batch's
        stored accounts, the posters of ``posted`` (up to ``posted_limit``) and the owners of
        ``face_ids``; then, for the accounts an account is likely to join (the batch's stored
        accounts, the face owners and the holders of values held by at most ``joining_limit``,
        exact names included), their persons, those persons' members and ranks, their rows and
        reviews."""
        store = self._store
        ids = [a for a, _, _ in accounts]
        stored = store.accounts(ids)
        self._new = store.insert_accounts([row for row in accounts if row[0] not in stored], now)
        self._inserted = set(self._new)
        self._accounts.update({**dict.fromkeys(ids), **stored, **self._new})
        self._holders_limit = holders_limit
        self._holders = store.signal_holders_many(list(dict.fromkeys(exact)), holders_limit)
        self._counts = store.fuzzy_counts(fuzzy_keys)
        small = [k for k in set(block_keys) if self._counts.get(k, 0) <= block_cap]
        self._key_holders = store.fuzzy_holders_by_key(small)
        candidates = {a for holders in self._key_holders.values() for a in holders}
        candidates |= {a for (t, _), holders in self._holders.items() if t == name_type for a, _ in holders}
        candidates |= set(stored)
        self._sealed = {a: [] for a in candidates}
        for row in store.sealed_of(candidates):
            self._sealed[row.account_id].append(row)
        self._posted_limit = posted_limit
        self._posted = store.posted_holders_many(list(posted), posted_limit)
        self._faces = store.faces_by_id(face_ids)
        # Fuzzy candidates are not read around: at a million accounts a batch of 256 has about
        # 32,000 of them and 1 in 100 reaches the medium weight; the few that do are read
        # through when their registration places the account (benchmarks/RESULTS.md).
        joinable = set(stored) | {a for a, _ in self._faces.values()}
        joinable |= {a for holders in self._holders.values() if len(holders) <= joining_limit for a, _ in holders}
        self._person.update(dict.fromkeys(joinable - self._inserted))
        for account_id, person_id in store.memberships_around(joinable - self._inserted):
            self._person[account_id] = person_id
            self._members.setdefault(person_id, []).append(account_id)
        for members in self._members.values():
            members.sort()
        self.accounts(self._person)
        self.person_ranks(self._members)
        self.reviews_for(self._person)

    # ---- persons, accounts and reviews --------------------------------------------------------
    @staticmethod
    def _read_through(cache: dict, keys: set, fetch: Any, empty: Any = lambda: None) -> None:
        """Fill ``cache`` for the ``keys`` not in it yet, from one store read (``fetch``), with
        a new ``empty()`` for each key the store has nothing for."""
        missing = [k for k in keys if k not in cache]
        if missing:
            found = fetch(missing)
            cache.update((k, found[k] if k in found else empty()) for k in missing)

    def accounts(self, account_ids: Iterable[str]) -> dict[str, AccountRow]:
        wanted = set(account_ids)
        self._read_through(self._accounts, wanted, self._store.accounts)
        return {a: row for a in wanted if (row := self._accounts[a]) is not None}

    def persons_of(self, account_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(account_ids)
        self._read_through(self._person, wanted, self._store.persons_of)
        return {a: p for a in wanted if (p := self._person[a]) is not None}

    def members(self, person_ids: Iterable[str]) -> dict[str, list[str]]:
        wanted = set(person_ids)
        self._read_through(self._members, wanted, self._store.members, list)
        return {p: list(self._members[p]) for p in wanted if self._members[p]}

    def person_ranks(self, person_ids: Iterable[str]) -> dict[str, int]:
        wanted = set(person_ids)
        self._read_through(self._ranks, wanted, self._store.person_ranks)
        return {p: r for p in wanted if (r := self._ranks[p]) is not None}

    def reviews_for(self, account_ids: Iterable[str]) -> list[tuple[str, str, int, str, str, float]]:
        wanted = set(account_ids)
        reviews_through(self._reviews, [a for a in wanted if a not in self._reviews and a not in self._inserted], self._store.reviews_for)
        return sorted({r for a in wanted for r in self._reviews.get(a, ())})

    def contracts_between(self, account_id: str, others: Iterable[str]) -> list[str]:
        if account_id in self._inserted:
            return []  # a contract needs both accounts stored before it
        return self._store.contracts_between(account_id, others)

    def add_person(self, account_id: str, person_id: str, rank: int, now: float) -> None:
        self._store.add_person(account_id, person_id, rank, now)
        self._moved(account_id, person_id)
        if self._ranks.get(person_id) is None:
            self._ranks[person_id] = rank
        self._members.setdefault(person_id, [account_id])  # a new account's new person

    def set_persons(self, person_of: Mapping[str, str], ranks: Mapping[str, int], now: float,
                    before: Iterable[str] | None = None) -> None:
        before = set(self.persons_of(person_of).values()) if before is None else set(before)
        self._store.set_persons(person_of, ranks, now, before)
        for account_id, person_id in person_of.items():
            self._moved(account_id, person_id)
        for person_id, rank in ranks.items():
            if person_id in self._ranks and self._ranks[person_id] is None:
                self._ranks[person_id] = rank  # created now (an existing person keeps its rank)
        for person_id in before:
            if person_id not in self._members:
                self._ranks.pop(person_id, None)  # deleted or not: read it again if asked
            elif not self._members[person_id]:
                self._ranks[person_id] = None  # left without members: deleted

    def _moved(self, account_id: str, person_id: str) -> None:
        old = self._person.get(account_id)
        if old is not None and old in self._members and account_id in self._members[old]:
            self._members[old].remove(account_id)
        self._person[account_id] = person_id
        members = self._members.get(person_id)
        if members is not None and account_id not in members:
            members.append(account_id)
            members.sort()

    # ---- accounts ---------------------------------------------------------------------------
    def upsert_account(self, account_id: str, kind: int, owner_account_id: str,
                       now: float) -> tuple[AccountRow, bool]:
        new = self._new.pop(account_id, None)
        if new is not None:
            self._sealed.setdefault(account_id, [])  # a new account holds no sealed value yet
            self._person[account_id] = None
            self._reviews[account_id] = []
            return new, True
        row, is_new = self._store.upsert_account(account_id, kind, owner_account_id, now)
        self._accounts[account_id] = row
        return row, is_new

    # ---- signals ----------------------------------------------------------------------------
    def signal_holders_many(self, values: Sequence[tuple[int, bytes]],
                            limit: int | Sequence[int]) -> dict[tuple[int, bytes], list[tuple[str, float]]]:
        values, limits = distinct_values(values, limit)
        if any(v not in self._holders or n > self._holders_limit for v, n in zip(values, limits, strict=True)):
            return self._store.signal_holders_many(values, limits)
        # Stored holders come first, as the store returns them (a value's rows in insertion order).
        return {v: self._holders[v][:n] for v, n in zip(values, limits, strict=True)}

    def add_signals(self, account_id: str, rows: Iterable[tuple[int, bytes, float]]) -> None:
        rows = list(rows)
        self._store.add_signals(account_id, rows)
        for t, digest, first_seen in rows:
            holders = self._holders.get((t, digest))
            # A list shorter than the limit read is complete: the account may hold the value
            # already (its first time seen stays). A full one stays full whatever is added.
            if holders is not None and not any(a == account_id for a, _ in holders):
                holders.append((account_id, first_seen))

    # ---- fuzzy identity -----------------------------------------------------------------------
    def fuzzy_counts(self, keys: Iterable[bytes]) -> dict[bytes, int]:
        return counts_through(self._counts, keys, self._store.fuzzy_counts)

    def fuzzy_holders(self, keys: Iterable[bytes]) -> set[str]:
        return holders_through(self._key_holders, keys, self._store.fuzzy_holders)

    def add_identity(self, account_id: str, sealed: Iterable[tuple[int, bytes, SealedValue, float]],
                     keys: Iterable[bytes], new_account: bool = False) -> None:
        sealed, keys = list(sealed), sorted(set(keys))
        held = set() if new_account else self._store.fuzzy_keys_of(account_id)
        self._store.add_identity(account_id, sealed, keys, new_account)
        rows = self._sealed.get(account_id)
        if rows is not None:
            have = {(r.type, r.digest) for r in rows}
            for t, digest, value, first_seen in sealed:
                if (t, digest) not in have:
                    have.add((t, digest))
                    rows.append(SealedRow(account_id, t, digest, value, first_seen))
        for k in keys:
            if k in held:
                continue
            if k in self._counts:
                self._counts[k] += 1
            if k in self._key_holders:
                self._key_holders[k].append(account_id)

    def sealed_of(self, account_ids: Iterable[str]) -> list[SealedRow]:
        wanted = set(account_ids)
        if not all(a in self._sealed for a in wanted):
            return self._store.sealed_of(wanted)
        rows = [r for a in wanted for r in self._sealed[a]]
        return sorted(rows, key=lambda r: (r.account_id, r.type, r.digest))  # as the store orders them

    def posted_holders_many(self, values: Sequence[tuple[int, bytes]],
                            limit: int) -> dict[tuple[int, bytes], list[tuple[str, str, float]]]:
        values = list(dict.fromkeys((t, bytes(d)) for t, d in values))
        if limit > self._posted_limit or any(v not in self._posted for v in values):
            return self._store.posted_holders_many(values, limit)
        return {v: self._posted[v][:limit] for v in values}  # a registration posts nothing

    def holders_together(
        self, values: Sequence[tuple[int, bytes]], limit: int | Sequence[int],
        posted_values: Sequence[tuple[int, bytes]], posted_limit: int,
    ) -> tuple[dict[tuple[int, bytes], list[tuple[str, float]]], dict[tuple[int, bytes], list[tuple[str, str, float]]]]:
        """The store's ``holders_together`` from the batch's reads where they cover it."""
        posted = self.posted_holders_many(posted_values, posted_limit) if posted_values else {}
        return self.signal_holders_many(values, limit), posted

    # ---- faces ------------------------------------------------------------------------------
    def add_face(self, account_id: str, embedding: np.ndarray, first_seen: float) -> int:
        """Buffer the face with the batch's others; returns a label for this batch only
        (negative, never a stored id), which :meth:`faces_by_id` knows."""
        self._store.add_face_later(account_id, embedding, first_seen)
        label, self._next_label = self._next_label, self._next_label - 1
        self._faces[label] = (account_id, first_seen)
        return label

    def faces_by_id(self, face_ids: Iterable[int]) -> dict[int, tuple[str, float]]:
        wanted = {int(i) for i in face_ids}
        missing = {i for i in wanted if i not in self._faces and i >= 0}
        out = self._store.faces_by_id(missing) if missing else {}
        out.update((i, self._faces[i]) for i in wanted if i in self._faces)
        return out
