"""The store's abstract base class: all SQL and rules live here, backends fill a few hooks.

Following Splink's backend design, every public method is ``@final`` and written once in
portable SQL (``?`` placeholders; ``ON CONFLICT``; ``RETURNING``). The connection, transaction
and migration plumbing is :class:`idverify.db.Database`, shared with the re-verification store;
a backend mixin (:class:`~idverify.db.SqliteBackend`, :class:`~idverify.db.PostgresBackend`)
supplies:

- :meth:`LinkStore._connect`: a new DB-API connection in autocommit mode (one per thread);
- :meth:`LinkStore._begin_write`: start a write transaction that serialises linking writers
  (SQLite ``BEGIN IMMEDIATE``; PostgreSQL ``BEGIN`` plus a transaction advisory lock, so that
  replicas sharing one database cannot link the same person twice);
- :attr:`LinkStore.types`: the column types for ``{serial}``, ``{blob}`` and ``{real}``;
- :meth:`LinkStore._translate`: the backend's placeholder style;
- :meth:`LinkStore._translate_error`: third-party errors to :class:`~idverify.errors.Unavailable`.

Linking writes happen inside :meth:`LinkStore.write`; reads outside it see committed data.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, final

import numpy as np

from idverify.db import Database, Migration
from linker.store.migrations import MIGRATIONS
from linker.store.holders import HolderTable, distinct_values, holder_queries, holders_by_value
from linker.store.screened import POSTED_HOLDERS, POSTED_OF, TEXTS_OF, ScreenedRows, posted_row, text_row
from linker.store.bulk import BulkRows

__all__ = ["AccountRow", "CheckRows", "FaceRow", "LinkStore", "PersonsRows", "SealedRow", "SealedValue", "StoredAccount"]

#: Tables in erasure order; an erased account leaves no row in any of them (events hold refs).
TABLES = tuple("link_" + t for t in (
    "signals", "posted", "text_bands", "texts", "names", "sealed", "fuzzy_keys", "fuzzy_counts", "faces", "memberships", "reviews", "contracts", "accounts", "persons", "events"))


@dataclass(frozen=True)
class AccountRow:
    """A stored account: ``seq`` orders accounts by age; ``ref`` is its event-log pseudonym."""

    seq: int
    account_id: str
    kind: int
    owner_account_id: str
    ref: str
    created_at: float


class SealedValue(NamedTuple):
    """A sealed value as stored (:mod:`linker.sealing`): its format, its key's id and
    ``nonce || ciphertext || tag``. (Named tuples, this and :class:`SealedRow`: a check at a
    million accounts reads a few hundred, and a frozen dataclass costs four times as much to make.)"""

    format: int
    key_id: str
    data: bytes


class SealedRow(NamedTuple):
    """A stored sealed identity value; ``(account_id, type, digest)`` is the row's identity."""

    account_id: str
    type: int
    digest: bytes
    value: SealedValue
    first_seen: float


@dataclass(frozen=True)
class FaceRow:
    """A stored face embedding (float32, 128-d) of an account."""

    face_id: int
    account_id: str
    embedding: np.ndarray
    first_seen: float


@dataclass(frozen=True)
class StoredAccount:
    """An account and what is stored of it, read together (:meth:`LinkStore.stored_account`)."""

    row: AccountRow
    #: ``(type, digest, first_seen)``, as :meth:`LinkStore.signals_of`.
    signals: list[tuple[int, bytes, float]]
    sealed: list[SealedRow]
    faces: list[FaceRow]
    #: ``(type, digest, message kind, first_seen)``, as :meth:`LinkStore.posted_of`.
    posted: list[tuple[int, bytes, str, float]]
    #: ``(account_id, signature, first_seen)``, as :meth:`LinkStore.texts_of`.
    texts: list[tuple[str, bytes, float]]
    #: Its person ("" without one) and that person's accounts, itself included, sorted.
    person_id: str
    members: list[str]


@dataclass(frozen=True)
class CheckRows:
    """What :meth:`LinkStore.check_rows` read for a check of new values."""

    #: The account's row, None when it is not stored (or no account id was given).
    account: AccountRow | None
    #: ``{(type, digest): [(account_id, first_seen), ...]}``, as :meth:`LinkStore.holders_together`.
    holders: dict[tuple[int, bytes], list[tuple[str, float]]]
    #: ``{(type, digest): [(account_id, message kind, first_seen), ...]}``, its posters.
    posters: dict[tuple[int, bytes], list[tuple[str, str, float]]]
    #: How many accounts hold each counted key (0 for none).
    counts: dict[bytes, int]
    #: The holders of each block key held by at most the cap (and more than none).
    block_holders: dict[bytes, list[str]]
    #: Each of those holders' sealed values, in :meth:`LinkStore.sealed_of` order ([] for none).
    sealed: dict[str, list[SealedRow]]


@dataclass(frozen=True)
class PersonsRows:
    """What :meth:`LinkStore.persons_rows` read around some accounts."""

    #: ``(account_id, person_id)`` of every member of the accounts' persons.
    memberships: list[tuple[str, str]]
    #: The stored rows of the accounts and of those members, by id.
    accounts: dict[str, AccountRow]
    #: The persons' ranks.
    ranks: dict[str, int]
    #: Reviews touching any of the accounts or members, as :meth:`LinkStore.reviews_for`.
    reviews: list[tuple[str, str, int, str, str, float]]
    #: ``(contract_id, other account)`` of the contracts of the account asked about.
    contracts: list[tuple[str, str]]


_ACCOUNT_COLS = "seq, account_id, kind, owner_account_id, ref, created_at"
_ACCOUNT_OF = f"SELECT {_ACCOUNT_COLS} FROM link_accounts WHERE account_id = ?"
_SIGNALS_OF = "SELECT type, digest, first_seen FROM link_signals WHERE account_id = ?"
_SIGNAL_HOLDERS = HolderTable("link_signals", "account_id, first_seen")
_SEALED_OF = "SELECT account_id, type, digest, sealed, seal_format, key_id, first_seen FROM link_sealed WHERE account_id"
_FACES_OF = "SELECT face_id, account_id, embedding, first_seen FROM link_faces WHERE account_id IN"
#: The counts of the keys of a check (``unnest`` of the keys and whether each is a block), the
#: holders of its blocks counted at most the cap, and those holders' sealed values, as one
#: result tagged 0, 1, 2 (PostgreSQL: a check sends its keys once; see LinkStore.check_rows).
_FUZZY_TOGETHER = (
    "WITH k AS (SELECT * FROM unnest(?::bytea[], ?::bool[]) AS k (key, block)), "
    "c AS (SELECT c.key, c.n, k.block FROM link_fuzzy_counts c JOIN k ON c.key = k.key), "
    "h AS (SELECT f.key, f.account_id FROM link_fuzzy_keys f JOIN c ON f.key = c.key "
    "WHERE c.block AND c.n > 0 AND c.n <= ?) "
    "SELECT 0, key, n, NULL::text, NULL::bytea, NULL::int, NULL::text, NULL::float8 FROM c "
    "UNION ALL SELECT 1, key, NULL::bigint, account_id, NULL::bytea, NULL::int, NULL::text, NULL::float8 FROM h "
    "UNION ALL SELECT 2, digest, type::bigint, account_id, sealed, seal_format, key_id, first_seen FROM link_sealed "
    "WHERE account_id IN (SELECT account_id FROM h)")
_MEMBERS_OF = ("SELECT mine.person_id, m.account_id FROM link_memberships mine JOIN link_memberships m "
               "ON m.person_id = mine.person_id WHERE mine.account_id = ? ORDER BY m.account_id")


def _marks(n: int) -> str:
    return ",".join("?" * n)


class LinkStore(ScreenedRows, BulkRows, Database):
    """Accounts, hashed signals, faces, persons, reviews, contracts and the event log; what
    screening posted and wrote (:class:`~linker.store.screened.ScreenedRows`); a bulk load of
    unlinked accounts into an empty store (:class:`~linker.store.bulk.BulkRows`)."""

    migrations: ClassVar[Sequence[Migration]] = MIGRATIONS
    migrations_table: ClassVar[str] = "link_schema_migrations"

    # ---- accounts ---------------------------------------------------------------------------
    _ACCOUNT_COLS = _ACCOUNT_COLS

    @final
    def account(self, account_id: str) -> AccountRow | None:
        """The stored account, or None."""
        rows = self._all_rows(_ACCOUNT_OF, (account_id,))
        return AccountRow(*rows[0]) if rows else None

    @final
    def stored_account(self, account_id: str) -> StoredAccount | None:
        """The account with its signals, sealed identity values, faces, posted details, texts,
        person and that person's accounts, in one round trip (seven reads in one pipeline on
        PostgreSQL); None when it is not stored."""
        one = (account_id,)
        account, signals, sealed, faces, posted, texts, members = self._all_rows_together([
            (_ACCOUNT_OF, one), (_SIGNALS_OF, one), (f"{_SEALED_OF} IN (?)", one), (f"{_FACES_OF} (?)", one),
            (POSTED_OF, one), (f"{TEXTS_OF} (?)", one), (_MEMBERS_OF, one)])
        if not account:
            return None
        return StoredAccount(AccountRow(*account[0]), [_signal(r) for r in signals], [_sealed(r) for r in sealed],
                             [_face(r) for r in faces], [posted_row(r) for r in posted], [text_row(r) for r in texts],
                             members[0][0] if members else "", [r[1] for r in members])

    @final
    def accounts(self, account_ids: Iterable[str]) -> dict[str, AccountRow]:
        """The stored accounts among ``account_ids``, by id."""
        ids = sorted(set(account_ids))
        return {row[1]: AccountRow(*row) for row in self._rows_in(
            f"SELECT {self._ACCOUNT_COLS} FROM link_accounts WHERE account_id {{in}}", ids)}

    @final
    def insert_accounts(self, rows: Sequence[tuple[str, int, str]], now: float) -> dict[str, AccountRow]:
        """Insert ``(account_id, kind, owner_account_id)`` accounts that are not stored yet, in
        order (their ``seq`` follows it), each with a fresh random ref; returns the inserted
        rows by id (an account stored already is left alone and absent). One statement per 500."""
        out: dict[str, AccountRow] = {}
        insert = "INSERT INTO link_accounts (account_id, kind, owner_account_id, ref, created_at, updated_at) "
        tail = f" ON CONFLICT (account_id) DO NOTHING RETURNING {self._ACCOUNT_COLS}"
        if self.arrays and rows:  # one statement; unnest yields the rows in order
            found = self._all_rows(insert + "SELECT *, ?::float8, ?::float8 FROM unnest(?::text[], ?::int[], "
                                   "?::text[], ?::text[])" + tail,
                                   (now, now, [a for a, _, _ in rows], [k for _, k, _ in rows],
                                    [o for _, _, o in rows], [secrets.token_hex(12) for _ in rows]))
            return {row[1]: AccountRow(*row) for row in found}
        for chunk in _chunks(rows):
            out.update((row[1], AccountRow(*row)) for row in self._all_rows(
                insert + f"VALUES {', '.join(['(?, ?, ?, ?, ?, ?)'] * len(chunk))}" + tail,
                [v for a, k, o in chunk for v in (a, k, o, secrets.token_hex(12), now, now)]))
        return out

    @final
    def upsert_account(self, account_id: str, kind: int, owner_account_id: str,
                       now: float) -> tuple[AccountRow, bool]:
        """Insert the account, or update its kind and owner; returns the stored row and whether
        this statement inserted it. The update keeps the stored ``ref``, so the row is new exactly
        when it comes back with the fresh random ref offered here: one atomic statement, right
        under concurrent replicas and when a retry registers the account again at the same time."""
        ref = secrets.token_hex(12)
        rows = self._all_rows(
            "INSERT INTO link_accounts (account_id, kind, owner_account_id, ref, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET kind = excluded.kind, "
            "owner_account_id = excluded.owner_account_id, updated_at = excluded.updated_at "
            f"RETURNING {self._ACCOUNT_COLS}",
            (account_id, kind, owner_account_id, ref, now, now),
        )
        row = AccountRow(*rows[0])
        return row, row.ref == ref

    @final
    def account_count(self) -> int:
        """How many accounts are stored."""
        return int(self._all_rows("SELECT COUNT(*) FROM link_accounts")[0][0])

    # ---- signals ----------------------------------------------------------------------------
    @final
    def add_signals(self, account_id: str, rows: Iterable[tuple[int, bytes, float]]) -> None:
        """Store ``(type, digest, first_seen)`` rows; a value seen before keeps its first time."""
        self._insert_later("INSERT INTO link_signals (account_id, type, digest, first_seen) {rows} "
                           "ON CONFLICT (account_id, type, digest) DO NOTHING", ("text", "int", "bytea", "float8"),
                           [(account_id, signal_type, digest, first_seen) for signal_type, digest, first_seen in rows])

    @final
    def signal_holders(self, signal_type: int, digest: bytes, limit: int) -> list[tuple[str, float]]:
        """Up to ``limit`` accounts holding a value, with when each first showed it."""
        return [
            (r[0], r[1])
            for r in self._all_rows(
                "SELECT account_id, first_seen FROM link_signals WHERE type = ? AND digest = ? LIMIT ?",
                (signal_type, digest, limit),
            )
        ]

    @final
    def signal_holders_many(
        self, values: Sequence[tuple[int, bytes]], limit: int | Sequence[int]
    ) -> dict[tuple[int, bytes], list[tuple[str, float]]]:
        """:meth:`signal_holders` for many values in one round trip; ``limit`` per value."""
        return self.holders_together(values, limit, (), 0)[0]

    @final
    def holders_together(
        self, values: Sequence[tuple[int, bytes]], limit: int | Sequence[int],
        posted_values: Sequence[tuple[int, bytes]], posted_limit: int,
    ) -> tuple[dict[tuple[int, bytes], list[tuple[str, float]]], dict[tuple[int, bytes], list[tuple[str, str, float]]]]:
        """:meth:`signal_holders_many` and :meth:`posted_holders_many` in one round trip."""
        values, limits = distinct_values(values, limit)
        posted_values, posted_limits = distinct_values(posted_values, posted_limit)
        signal_queries = holder_queries(_SIGNAL_HOLDERS, values, limits, arrays=self.arrays)
        queries = signal_queries + holder_queries(POSTED_HOLDERS, posted_values, posted_limits, arrays=self.arrays)
        rowsets = self._all_rows_together(queries) if queries else []
        return (holders_by_value(values, rowsets[:len(signal_queries)]),
                holders_by_value(posted_values, rowsets[len(signal_queries):]))

    @final
    def check_rows(
        self, account_id: str, values: Sequence[tuple[int, bytes]], limit: int | Sequence[int],
        posted_values: Sequence[tuple[int, bytes]], posted_limit: int,
        counted: Iterable[bytes], blocks: Iterable[bytes], block_cap: int,
    ) -> CheckRows:
        """What a check of new values reads before it weighs them, in one round trip (one
        pipeline on PostgreSQL): the account's row (``account_id`` may be empty), the holders
        and posters of ``values`` and ``posted_values`` (as :meth:`holders_together`), the
        counts of the ``counted`` keys, and for the ``blocks`` among them held by at most
        ``block_cap`` accounts, their holders (as :meth:`fuzzy_holders_by_key`) and those
        holders' sealed values (as :meth:`sealed_of`). The small blocks are chosen by the
        server from the counts it reads for the holders, so nothing waits for the counts."""
        values, limits = distinct_values(values, limit)
        posted_values, posted_limits = distinct_values(posted_values, posted_limit)
        counted = sorted(set(counted) | set(blocks))
        blocks = sorted(set(blocks))
        queries: list[tuple[str, Sequence[Any]]] = []
        if account_id:
            queries.append((_ACCOUNT_OF, (account_id,)))
        signal_queries = holder_queries(_SIGNAL_HOLDERS, values, limits, arrays=self.arrays)
        posted_queries = holder_queries(POSTED_HOLDERS, posted_values, posted_limits, arrays=self.arrays)
        queries += signal_queries + posted_queries
        together = self.arrays and bool(counted)
        if together:
            # Counts, small blocks' holders and their sealed values in one statement: the keys
            # go to the server once, and the three are read in one snapshot.
            block = set(blocks)
            queries.append((_FUZZY_TOGETHER, (counted, [k in block for k in counted], block_cap)))
        elif counted:
            where, params = self._in_list(counted)
            queries.append((f"SELECT key, n FROM link_fuzzy_counts WHERE key {where}", params))
        if blocks and not together:
            where, params = self._in_list(blocks)
            small = f"SELECT key FROM link_fuzzy_counts WHERE key {where} AND n > 0 AND n <= ?"
            params = [*params, block_cap]
            queries.append((f"SELECT key, account_id FROM link_fuzzy_keys WHERE key IN ({small})", params))
            queries.append((f"{_SEALED_OF} IN (SELECT account_id FROM link_fuzzy_keys WHERE key IN ({small}))",
                            params))
        rowsets = iter(self._all_rows_together(queries) if queries else [])
        account_row = None
        if account_id:
            found_row = next(rowsets)
            account_row = AccountRow(*found_row[0]) if found_row else None
        holders = holders_by_value(values, [next(rowsets) for _ in signal_queries])
        posters = holders_by_value(posted_values, [next(rowsets) for _ in posted_queries])
        counts = dict.fromkeys(counted, 0)
        sealed: dict[str, list[SealedRow]] = {}
        if together:
            tagged = next(rowsets)
            for tag, k, n, *_ in tagged:
                if tag == 0:
                    counts[bytes(k)] = int(n)
            block_holders = {k: [] for k in blocks if 0 < counts[k] <= block_cap}
            found = []
            for tag, k, n, account, value, fmt, kid, seen in tagged:
                if tag == 1:
                    block_holders[bytes(k)].append(account)
                    sealed.setdefault(account, [])
                elif tag == 2:
                    found.append(_sealed((account, n, k, value, fmt, kid, seen)))
            for row in sorted(found, key=_sealed_order):
                sealed.setdefault(row.account_id, []).append(row)
            return CheckRows(account_row, holders, posters, counts, block_holders, sealed)
        if counted:
            for k, n in next(rowsets):
                counts[bytes(k)] = int(n)
        block_holders = {k: [] for k in blocks if 0 < counts[k] <= block_cap}
        if blocks:
            for k, holder in next(rowsets):
                # (Each statement reads its own snapshot: a block whose count crossed the cap
                # between them is answered as the counts read say, as between two round trips.)
                if bytes(k) in block_holders:
                    block_holders[bytes(k)].append(holder)
                sealed.setdefault(holder, [])
            for row in sorted((_sealed(r) for r in next(rowsets)), key=_sealed_order):
                sealed.setdefault(row.account_id, []).append(row)
        return CheckRows(account_row, holders, posters, counts, block_holders, sealed)

    @final
    def persons_rows(self, account_ids: Iterable[str], contracts_of: str = "") -> PersonsRows:
        """What placing an account among ``account_ids`` reads, in one round trip (one pipeline
        on PostgreSQL): the persons of the accounts and all of those persons' members
        (:meth:`memberships_around`), the rows of the accounts and members, the persons' ranks,
        the reviews touching any of them, and the contracts between ``contracts_of`` (if given)
        and any of them."""
        ids = sorted(set(account_ids))
        where, params = self._in_list(ids)
        persons = f"SELECT person_id FROM link_memberships WHERE account_id {where}"
        # The accounts and the members of their persons, as one set (an ``IN`` of it is a join
        # on the index; an ``OR`` of two ``IN`` would make PostgreSQL scan the whole table).
        listed = "SELECT unnest(?::text[])" if self.arrays else f"VALUES {', '.join(['(?)'] * len(ids))}"
        scope = f"{listed} UNION SELECT account_id FROM link_memberships WHERE person_id IN ({persons})"
        scope_params = [*([ids] if self.arrays else ids), *params]
        review_cols = "SELECT account_a, account_b, action, reviewer, note, at FROM link_reviews"
        queries: list[tuple[str, Sequence[Any]]] = [
            (f"SELECT account_id, person_id FROM link_memberships WHERE person_id IN ({persons})", params),
            (f"SELECT {_ACCOUNT_COLS} FROM link_accounts WHERE account_id IN ({scope})", scope_params),
            (f"SELECT person_id, rank FROM link_persons WHERE person_id IN ({persons})", params),
            (f"{review_cols} WHERE account_a IN ({scope}) UNION {review_cols} WHERE account_b IN ({scope})",
             [*scope_params, *scope_params]),
        ]
        if contracts_of:
            queries.append(("SELECT contract_id, client_account_id, freelancer_account_id FROM link_contracts "
                            "WHERE client_account_id = ? OR freelancer_account_id = ?", (contracts_of, contracts_of)))
        rowsets = self._all_rows_together(queries)
        contracts = [(c, a if b == contracts_of else b) for c, a, b in rowsets[4]] if contracts_of else []
        return PersonsRows([(a, p) for a, p in rowsets[0]], {r[1]: AccountRow(*r) for r in rowsets[1]},
                           {p: int(r) for p, r in rowsets[2]}, sorted(set(rowsets[3])), contracts)

    @final
    def _in_list(self, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """``values`` as the right side of ``x IN`` and its parameters: one array parameter
        (``= ANY(?)``) on a backend with :attr:`arrays`, else one placeholder per value."""
        if self.arrays:
            return "= ANY(?)", [list(values)]
        return f"IN ({_marks(len(values))})", list(values)

    @final
    def add_person(self, account_id: str, person_id: str, rank: int, now: float) -> None:
        """Record a brand-new person with its first account (the fast path of a new account)."""
        self._insert_later("INSERT INTO link_persons (person_id, rank, created_at) {rows} "
                           "ON CONFLICT (person_id) DO NOTHING", ("text", "bigint", "float8"), [(person_id, rank, now)])
        # Buffered with the batch's other new accounts: one account appears once in a batch.
        self._insert_later("INSERT INTO link_memberships (account_id, person_id, since) {rows} "
                           "ON CONFLICT (account_id) DO UPDATE SET person_id = excluded.person_id, "
                           "since = excluded.since", ("text", "text", "float8"), [(account_id, person_id, now)])

    @final
    def signals_of(self, account_id: str) -> list[tuple[int, bytes, float]]:
        """An account's ``(type, digest, first_seen)`` rows."""
        return [_signal(r) for r in self._all_rows(_SIGNALS_OF, (account_id,))]

    @final
    def shared_signals(self, account_ids: Sequence[str]) -> list[tuple[str, str, int, bytes, float]]:
        """Values shared among ``account_ids``: ``(a, b, type, digest, seen_at)`` with a < b."""
        out = []
        for chunk in _chunks(sorted(set(account_ids)), 400):
            marks = _marks(len(chunk))
            out += self._all_rows(
                "SELECT x.account_id, y.account_id, x.type, x.digest, "
                "CASE WHEN x.first_seen > y.first_seen THEN x.first_seen ELSE y.first_seen END "
                "FROM link_signals x JOIN link_signals y ON x.type = y.type AND x.digest = y.digest "
                f"AND x.account_id < y.account_id WHERE x.account_id IN ({marks}) AND y.account_id IN ({marks})",
                (*chunk, *chunk),
            )
        return [(a, b, t, bytes(d), s) for a, b, t, d, s in out]

    # ---- fuzzy identity -----------------------------------------------------------------------
    @final
    def add_identity(self, account_id: str, sealed: Iterable[tuple[int, bytes, SealedValue, float]],
                     keys: Iterable[bytes], new_account: bool = False) -> None:
        """Store sealed identity values ``(type, digest, sealed, first_seen)`` and the account's
        keyed fuzzy terms, counting each term once per account (``new_account``: it holds none
        yet, so the held terms need no lookup). Three multi-row statements, sent with the next
        statement that waits for the server (:meth:`_exec_later`)."""
        self._insert_later(
            "INSERT INTO link_sealed (account_id, type, digest, sealed, seal_format, key_id, first_seen) "
            "{rows} ON CONFLICT (account_id, type, digest) DO NOTHING",
            ("text", "int", "bytea", "bytea", "int", "text", "float8"),
            [(account_id, t, d, s.data, s.format, s.key_id, f) for t, d, s, f in sealed],
        )
        wanted = sorted(set(keys))
        if not wanted:
            return
        held = set() if new_account else self.fuzzy_keys_of(account_id)
        new = [k for k in wanted if k not in held]
        self._insert_later("INSERT INTO link_fuzzy_keys (key, account_id) {rows}", ("bytea", "text"),
                           [(k, account_id) for k in new])
        self._insert_later("INSERT INTO link_fuzzy_counts (key, n) {rows} "
                           "ON CONFLICT (key) DO UPDATE SET n = link_fuzzy_counts.n + excluded.n", ("bytea", "bigint"),
                           [(k, 1) for k in new], summed=True)

    @final
    def fuzzy_keys_of(self, account_id: str) -> set[bytes]:
        """The keyed fuzzy terms the account holds (each counted once for it)."""
        return {bytes(r[0]) for r in self._all_rows("SELECT key FROM link_fuzzy_keys WHERE account_id = ?",
                                                    (account_id,))}

    @final
    def fuzzy_counts(self, keys: Iterable[bytes]) -> dict[bytes, int]:
        """How many accounts hold each keyed term (absent terms count 0)."""
        wanted = sorted(set(keys))
        out = dict.fromkeys(wanted, 0)
        for k, n in self._rows_in("SELECT key, n FROM link_fuzzy_counts WHERE key {in}", wanted):
            out[bytes(k)] = int(n)
        return out

    @final
    def fuzzy_holders(self, keys: Iterable[bytes]) -> set[str]:
        """The accounts holding any of the keyed terms (callers pass only small blocks)."""
        return {r[0] for r in self._rows_in("SELECT account_id FROM link_fuzzy_keys WHERE key {in}",
                                            sorted(set(keys)))}

    @final
    def fuzzy_holders_by_key(self, keys: Iterable[bytes]) -> dict[bytes, list[str]]:
        """The accounts holding each keyed term (callers pass only small blocks)."""
        wanted = sorted(set(keys))
        out: dict[bytes, list[str]] = {k: [] for k in wanted}
        for k, account_id in self._rows_in("SELECT key, account_id FROM link_fuzzy_keys WHERE key {in}", wanted):
            out[bytes(k)].append(account_id)
        return out

    @final
    def sealed_of(self, account_ids: Iterable[str]) -> list[SealedRow]:
        """Sealed identity values of the accounts."""
        rows = [_sealed(r) for r in self._rows_in(f"{_SEALED_OF} {{in}}", sorted(set(account_ids)))]
        return sorted(rows, key=_sealed_order)  # in key order on every backend

    @final
    def sealed_pending(self, seal_format: int, key_id: str) -> int:
        """How many sealed values are not in ``seal_format`` under ``key_id``."""
        return int(self._all_rows("SELECT COUNT(*) FROM link_sealed WHERE seal_format <> ? OR key_id <> ?",
                                  (seal_format, key_id))[0][0])

    @final
    def sealed_key_counts(self) -> dict[tuple[int, str], int]:
        """How many sealed values there are per ``(format, key id)``."""
        return {(int(f), k): int(n) for f, k, n in self._all_rows(
            "SELECT seal_format, key_id, COUNT(*) FROM link_sealed GROUP BY seal_format, key_id")}

    @final
    def sealed_accounts_pending(self, seal_format: int, key_id: str, after: str, limit: int) -> list[str]:
        """Up to ``limit`` accounts after ``after`` (in id order) holding a sealed value not in
        ``seal_format`` under ``key_id``: a cursor for re-sealing in batches."""
        return [r[0] for r in self._all_rows(
            "SELECT DISTINCT account_id FROM link_sealed WHERE account_id > ? AND (seal_format <> ? OR key_id <> ?) "
            "ORDER BY account_id LIMIT ?", (after, seal_format, key_id, limit))]

    @final
    def replace_sealed(self, updates: Iterable[tuple[SealedRow, SealedValue]]) -> int:
        """Replace each row's sealed value with the new one if the row still holds the value it
        was read with (an erased or re-sealed row is left alone); returns how many changed."""
        changed = 0
        for row, new in updates:
            changed += self._exec(
                "UPDATE link_sealed SET sealed = ?, seal_format = ?, key_id = ? "
                "WHERE account_id = ? AND type = ? AND digest = ? AND sealed = ?",
                (new.data, new.format, new.key_id, row.account_id, row.type, row.digest, row.value.data)).rowcount
        return changed

    # ---- faces ------------------------------------------------------------------------------
    @final
    def add_face(self, account_id: str, embedding: np.ndarray, first_seen: float) -> int:
        """Store a face embedding; returns its id (the vector index label)."""
        rows = self._all_rows(
            "INSERT INTO link_faces (account_id, embedding, first_seen) VALUES (?, ?, ?) RETURNING face_id",
            (account_id, np.asarray(embedding, dtype=np.float32).tobytes(), first_seen),
        )
        return int(rows[0][0])

    @final
    def add_face_later(self, account_id: str, embedding: np.ndarray, first_seen: float) -> None:
        """Store a face embedding whose id nobody reads yet (a batch's, sent with the batch's
        other faces in one statement; the index learns the id from :meth:`faces_after`)."""
        self._insert_later("INSERT INTO link_faces (account_id, embedding, first_seen) {rows}",
                           ("text", "bytea", "float8"), [(account_id, np.asarray(embedding, dtype=np.float32).tobytes(), first_seen)])

    @final
    def faces_of(self, account_ids: Iterable[str]) -> list[FaceRow]:
        """The face embeddings of the given accounts."""
        out = []
        for chunk in _chunks(sorted(set(account_ids))):
            out += [_face(r) for r in self._all_rows(f"{_FACES_OF} ({_marks(len(chunk))})", chunk)]
        return out

    @final
    def faces_by_id(self, face_ids: Iterable[int]) -> dict[int, tuple[str, float]]:
        """Owner account and first-seen time of each stored face id (erased ids are absent)."""
        return {int(r[0]): (r[1], r[2]) for r in self._rows_in(
            "SELECT face_id, account_id, first_seen FROM link_faces WHERE face_id {in}",
            sorted(set(int(i) for i in face_ids)))}

    @final
    def faces_after(self, face_id: int, limit: int = 10000) -> list[FaceRow]:
        """Faces with ids above ``face_id``, ascending (to catch a vector index up)."""
        return [
            _face(r)
            for r in self._all_rows(
                "SELECT face_id, account_id, embedding, first_seen FROM link_faces WHERE face_id > ? "
                "ORDER BY face_id LIMIT ?",
                (face_id, limit),
            )
        ]

    @final
    def face_ids(self) -> set[int]:
        """Every stored face id (to drop erased ones from a persisted index)."""
        return {int(r[0]) for r in self._all_rows("SELECT face_id FROM link_faces")}

    # ---- persons ----------------------------------------------------------------------------
    @final
    def persons_of(self, account_ids: Iterable[str]) -> dict[str, str]:
        """Each account's person id (accounts without one are absent)."""
        return {r[0]: r[1] for r in self._rows_in(
            "SELECT account_id, person_id FROM link_memberships WHERE account_id {in}", sorted(set(account_ids)))}

    @final
    def memberships_around(self, account_ids: Iterable[str]) -> list[tuple[str, str]]:
        """``(account, person)`` of every member of the accounts' persons."""
        return self._rows_in("SELECT account_id, person_id FROM link_memberships WHERE person_id IN "
                             "(SELECT person_id FROM link_memberships WHERE account_id {in})", sorted(set(account_ids)))

    @final
    def members(self, person_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each person's accounts, sorted."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(person_ids))):
            for r in self._all_rows(
                f"SELECT person_id, account_id FROM link_memberships WHERE person_id IN ({_marks(len(chunk))}) "
                "ORDER BY account_id",
                chunk,
            ):
                out.setdefault(r[0], []).append(r[1])
        return out

    @final
    def person_ranks(self, person_ids: Iterable[str]) -> dict[str, int]:
        """Each person's creation rank (lower is older)."""
        return {r[0]: int(r[1]) for r in self._rows_in(
            "SELECT person_id, rank FROM link_persons WHERE person_id {in}", sorted(set(person_ids)))}

    @final
    def set_persons(self, person_of: Mapping[str, str], ranks: Mapping[str, int], now: float,
                    before: Iterable[str] | None = None) -> None:
        """Record memberships and persons; persons left without members are removed (of
        ``before``: the accounts' persons until now, read here when not given)."""
        before = set(self.persons_of(person_of).values()) if before is None else set(before)
        for person_id, rank in ranks.items():
            self._exec_later(
                "INSERT INTO link_persons (person_id, rank, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO NOTHING",
                (person_id, rank, now),
            )
        for account_id, person_id in person_of.items():
            self._exec_later(
                "INSERT INTO link_memberships (account_id, person_id, since) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id) DO UPDATE SET person_id = excluded.person_id, since = excluded.since "
                "WHERE link_memberships.person_id <> excluded.person_id",
                (account_id, person_id, now),
            )
        self._drop_empty_persons(before)

    @final
    def _drop_empty_persons(self, person_ids: Iterable[str]) -> None:
        for person_id in person_ids:
            self._exec_later(
                "DELETE FROM link_persons WHERE person_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM link_memberships WHERE link_memberships.person_id = link_persons.person_id)",
                (person_id,),
            )

    # ---- reviews and contracts --------------------------------------------------------------
    @final
    def set_review(self, a: str, b: str, action: int, reviewer: str, note: str, now: float) -> None:
        """Record (replace) the reviewer decision on the unordered pair ``a``, ``b``."""
        a, b = min(a, b), max(a, b)
        self._exec(
            "INSERT INTO link_reviews (account_a, account_b, action, reviewer, note, at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_a, account_b) DO UPDATE SET action = excluded.action, "
            "reviewer = excluded.reviewer, note = excluded.note, at = excluded.at",
            (a, b, action, reviewer, note, now),
        )

    @final
    def clear_review(self, a: str, b: str) -> None:
        """Withdraw the decision on the pair."""
        self._exec("DELETE FROM link_reviews WHERE account_a = ? AND account_b = ?", (min(a, b), max(a, b)))

    @final
    def reviews_for(self, account_ids: Iterable[str]) -> list[tuple[str, str, int, str, str, float]]:
        """Decisions touching any of the accounts: ``(a, b, action, reviewer, note, at)``."""
        out: set[tuple] = set()
        for chunk in _chunks(sorted(set(account_ids))):
            marks = _marks(len(chunk))
            out.update(self._all_rows(
                "SELECT account_a, account_b, action, reviewer, note, at FROM link_reviews "
                f"WHERE account_a IN ({marks}) OR account_b IN ({marks})",
                (*chunk, *chunk),
            ))
        return sorted(out)

    @final
    def add_contract(self, contract_id: str, client: str, freelancer: str, decision: int, now: float) -> None:
        """Record (or update) a contract and its decision."""
        self._exec(
            "INSERT INTO link_contracts (contract_id, client_account_id, freelancer_account_id, decision, at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (contract_id) DO UPDATE SET "
            "client_account_id = excluded.client_account_id, "
            "freelancer_account_id = excluded.freelancer_account_id, decision = excluded.decision, at = excluded.at",
            (contract_id, client, freelancer, decision, now),
        )

    @final
    def contracts_between(self, account_id: str, others: Iterable[str]) -> list[str]:
        """Ids of contracts between ``account_id`` and any of ``others`` (either direction)."""
        out: list[str] = []
        for chunk in _chunks(sorted(set(others))):
            marks = _marks(len(chunk))
            out += [r[0] for r in self._all_rows(
                "SELECT contract_id FROM link_contracts WHERE "
                f"(client_account_id = ? AND freelancer_account_id IN ({marks})) OR "
                f"(freelancer_account_id = ? AND client_account_id IN ({marks}))",
                (account_id, *chunk, account_id, *chunk),
            )]
        return sorted(out)

    # ---- events -----------------------------------------------------------------------------
    @final
    def append_event(
        self, kind: str, *, account_ref: str = "", other_ref: str = "", person_id: str = "",
        other_person_id: str = "", detail: str = "", now: float | None = None,
    ) -> int:
        """Append an event (link, unlink, merge, split, review, delete, contract); returns its id."""
        rows = self._all_rows(
            "INSERT INTO link_events (at, kind, account_ref, other_ref, person_id, other_person_id, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING event_id",
            (time.time() if now is None else now, kind, account_ref, other_ref, person_id, other_person_id, detail),
        )
        return int(rows[0][0])

    @final
    def log_event(
        self, kind: str, *, account_ref: str = "", other_ref: str = "", person_id: str = "",
        other_person_id: str = "", detail: str = "", now: float | None = None,
    ) -> None:
        """:meth:`append_event` for a caller that needs no event id: buffered with the
        transaction's other events and sent in one statement (:meth:`_insert_later`)."""
        self._insert_later(
            "INSERT INTO link_events (at, kind, account_ref, other_ref, person_id, other_person_id, detail) {rows}",
            ("float8", "text", "text", "text", "text", "text", "text"), [(time.time() if now is None else now, kind, account_ref, other_ref, person_id, other_person_id, detail)])

    @final
    def events(self, after: int = 0, limit: int = 1000) -> list[tuple]:
        """Events after an id: ``(event_id, at, kind, account_ref, other_ref, person, other, detail)``."""
        return self._all_rows(
            "SELECT event_id, at, kind, account_ref, other_ref, person_id, other_person_id, detail FROM link_events "
            "WHERE event_id > ? ORDER BY event_id LIMIT ?",
            (after, limit),
        )

    # ---- erasure and audit ------------------------------------------------------------------
    @final
    def erase_account(self, account_id: str) -> int:
        """Delete every row naming the account (the caller recomputes its person); returns the
        number of signals erased (values and faces)."""
        erased = 0
        self._exec("UPDATE link_fuzzy_counts SET n = n - 1 WHERE key IN "
                   "(SELECT key FROM link_fuzzy_keys WHERE account_id = ?)", (account_id,))
        self._exec("DELETE FROM link_fuzzy_counts WHERE n <= 0 AND key IN "
                   "(SELECT key FROM link_fuzzy_keys WHERE account_id = ?)", (account_id,))
        self._exec("DELETE FROM link_fuzzy_keys WHERE account_id = ?", (account_id,))
        self._exec("DELETE FROM link_sealed WHERE account_id = ?", (account_id,))
        erased += self._erase_screened(account_id)
        for table in ("link_signals", "link_names", "link_faces"):
            erased += self._exec(f"DELETE FROM {table} WHERE account_id = ?", (account_id,)).rowcount
        person = self.persons_of([account_id]).get(account_id)
        self._exec("DELETE FROM link_memberships WHERE account_id = ?", (account_id,))
        if person:
            self._drop_empty_persons([person])
        self._exec("DELETE FROM link_reviews WHERE account_a = ? OR account_b = ?", (account_id, account_id))
        self._exec("DELETE FROM link_contracts WHERE client_account_id = ? OR freelancer_account_id = ?",
                   (account_id, account_id))
        self._exec("DELETE FROM link_accounts WHERE account_id = ?", (account_id,))
        return erased

    @final
    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every linker table (for audits and erasure tests; small stores only)."""
        return {table: self._all_rows(f"SELECT * FROM {table}") for table in TABLES}


def _signal(r: tuple) -> tuple[int, bytes, float]:
    return r[0], bytes(r[1]), r[2]


def _sealed(r: tuple) -> SealedRow:
    return SealedRow(r[0], int(r[1]), bytes(r[2]), SealedValue(int(r[4]), r[5], bytes(r[3])), r[6])


def _sealed_order(row: SealedRow) -> tuple[str, int, bytes]:
    return (row.account_id, row.type, row.digest)


def _face(r: tuple) -> FaceRow:
    return FaceRow(int(r[0]), r[1], np.frombuffer(bytes(r[2]), dtype=np.float32), r[3])


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
