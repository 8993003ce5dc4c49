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
from typing import Any, ClassVar, final

import numpy as np

from idverify.db import Database, Migration
from linker.store.migrations import MIGRATIONS
from linker.store.bulk import BulkRows
from linker.store.screened import ScreenedRows

__all__ = ["AccountRow", "FaceRow", "LinkStore", "SealedRow", "SealedValue"]

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


@dataclass(frozen=True)
class SealedValue:
    """A sealed value as stored (:mod:`linker.sealing`): its format, its key's id and
    ``nonce || ciphertext || tag``."""

    format: int
    key_id: str
    data: bytes


@dataclass(frozen=True)
class SealedRow:
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


def _marks(n: int) -> str:
    return ",".join("?" * n)


#: Rows per multi-row ``VALUES`` statement (SQLite allows 32,766 parameters in one).
_ROWS_PER_INSERT = 500


class LinkStore(ScreenedRows, BulkRows, Database):
    """Accounts, hashed signals, faces, persons, reviews, contracts and the event log; what
    screening posted and wrote (:class:`~linker.store.screened.ScreenedRows`); a bulk load of
    unlinked accounts into an empty store (:class:`~linker.store.bulk.BulkRows`)."""

    migrations: ClassVar[Sequence[Migration]] = MIGRATIONS
    migrations_table: ClassVar[str] = "link_schema_migrations"

    @final
    def _insert_later(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """``sql`` with ``{rows}`` filled by one ``(?, ...)`` group per row, as few statements
        as fit (:meth:`_exec_later`): one statement per registration instead of one per row on
        a backend that :attr:`pipelines`. SQLite, in process, keeps one prepared statement run
        per row (``executemany``), which costs it less than compiling a statement per row count."""
        if not rows:
            return
        if not self.pipelines:
            self._exec_many(sql.format(rows=f"({_marks(len(rows[0]))})"), rows)
            return
        for chunk in _chunks(rows, _ROWS_PER_INSERT):
            group = f"({_marks(len(chunk[0]))})"
            self._exec_later(sql.format(rows=", ".join([group] * len(chunk))), [v for row in chunk for v in row])

    # ---- accounts ---------------------------------------------------------------------------
    _ACCOUNT_COLS = "seq, account_id, kind, owner_account_id, ref, created_at"

    @final
    def account(self, account_id: str) -> AccountRow | None:
        """The stored account, or None."""
        rows = self._all_rows(f"SELECT {self._ACCOUNT_COLS} FROM link_accounts WHERE account_id = ?", (account_id,))
        return AccountRow(*rows[0]) if rows else None

    @final
    def accounts(self, account_ids: Iterable[str]) -> dict[str, AccountRow]:
        """The stored accounts among ``account_ids``, by id."""
        ids = sorted(set(account_ids))
        out: dict[str, AccountRow] = {}
        for chunk in _chunks(ids):
            for row in self._all_rows(
                f"SELECT {self._ACCOUNT_COLS} FROM link_accounts WHERE account_id IN ({_marks(len(chunk))})", chunk
            ):
                out[row[1]] = AccountRow(*row)
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
        self._insert_later("INSERT INTO link_signals (account_id, type, digest, first_seen) VALUES {rows} "
                           "ON CONFLICT (account_id, type, digest) DO NOTHING",
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
        values = list(dict.fromkeys(values))
        limits = [limit] * len(values) if isinstance(limit, int) else list(limit)
        out: dict[tuple[int, bytes], list[tuple[str, float]]] = {v: [] for v in values}
        for start in range(0, len(values), 50):
            part = values[start : start + 50]
            sql = " UNION ALL ".join(
                f"SELECT * FROM (SELECT type, digest, account_id, first_seen FROM link_signals "
                f"WHERE type = ? AND digest = ? LIMIT ?) AS q{i}"
                for i in range(len(part))
            )
            params: list[Any] = []
            for (t, d), n in zip(part, limits[start : start + 50], strict=True):
                params += [t, d, n]
            for t, d, account_id, first_seen in self._all_rows(sql, params):
                out[(t, bytes(d))].append((account_id, first_seen))
        return out

    @final
    def add_person(self, account_id: str, person_id: str, rank: int, now: float) -> None:
        """Record a brand-new person with its first account (the fast path of a new account)."""
        self._exec_later("INSERT INTO link_persons (person_id, rank, created_at) VALUES (?, ?, ?) "
                         "ON CONFLICT (person_id) DO NOTHING", (person_id, rank, now))
        self._exec_later("INSERT INTO link_memberships (account_id, person_id, since) VALUES (?, ?, ?) "
                         "ON CONFLICT (account_id) DO UPDATE SET person_id = excluded.person_id, "
                         "since = excluded.since", (account_id, person_id, now))

    @final
    def signals_of(self, account_id: str) -> list[tuple[int, bytes, float]]:
        """An account's ``(type, digest, first_seen)`` rows."""
        return [
            (r[0], bytes(r[1]), r[2])
            for r in self._all_rows("SELECT type, digest, first_seen FROM link_signals WHERE account_id = ?", (account_id,))
        ]

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
            "VALUES {rows} ON CONFLICT (account_id, type, digest) DO NOTHING",
            [(account_id, t, d, s.data, s.format, s.key_id, f) for t, d, s, f in sealed],
        )
        wanted = sorted(set(keys))
        if not wanted:
            return
        held = set() if new_account else self.fuzzy_keys_of(account_id)
        new = [k for k in wanted if k not in held]
        self._insert_later("INSERT INTO link_fuzzy_keys (key, account_id) VALUES {rows}", [(k, account_id) for k in new])
        # Sorted and distinct: one statement may not update a row twice.
        self._insert_later("INSERT INTO link_fuzzy_counts (key, n) VALUES {rows} "
                           "ON CONFLICT (key) DO UPDATE SET n = link_fuzzy_counts.n + 1", [(k, 1) for k in new])

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
        for chunk in _chunks(wanted):
            for k, n in self._all_rows(f"SELECT key, n FROM link_fuzzy_counts WHERE key IN ({_marks(len(chunk))})",
                                       chunk):
                out[bytes(k)] = int(n)
        return out

    @final
    def fuzzy_holders(self, keys: Iterable[bytes]) -> set[str]:
        """The accounts holding any of the keyed terms (callers pass only small blocks)."""
        out: set[str] = set()
        for chunk in _chunks(sorted(set(keys))):
            out.update(r[0] for r in self._all_rows(
                f"SELECT account_id FROM link_fuzzy_keys WHERE key IN ({_marks(len(chunk))})", chunk))
        return out

    @final
    def sealed_of(self, account_ids: Iterable[str]) -> list[SealedRow]:
        """Sealed identity values of the accounts."""
        out = []
        for chunk in _chunks(sorted(set(account_ids))):
            out += [SealedRow(r[0], int(r[1]), bytes(r[2]), SealedValue(int(r[4]), r[5], bytes(r[3])), r[6])
                    for r in self._all_rows(
                        "SELECT account_id, type, digest, sealed, seal_format, key_id, first_seen FROM link_sealed "
                        f"WHERE account_id IN ({_marks(len(chunk))})", chunk)]
        return out

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
    def faces_of(self, account_ids: Iterable[str]) -> list[FaceRow]:
        """The face embeddings of the given accounts."""
        out = []
        for chunk in _chunks(sorted(set(account_ids))):
            out += [
                _face(r)
                for r in self._all_rows(
                    "SELECT face_id, account_id, embedding, first_seen FROM link_faces "
                    f"WHERE account_id IN ({_marks(len(chunk))})",
                    chunk,
                )
            ]
        return out

    @final
    def faces_by_id(self, face_ids: Iterable[int]) -> dict[int, tuple[str, float]]:
        """Owner account and first-seen time of each stored face id (erased ids are absent)."""
        out: dict[int, tuple[str, float]] = {}
        for chunk in _chunks(sorted(set(int(i) for i in face_ids))):
            for r in self._all_rows(
                f"SELECT face_id, account_id, first_seen FROM link_faces WHERE face_id IN ({_marks(len(chunk))})", chunk
            ):
                out[int(r[0])] = (r[1], r[2])
        return out

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
        out: dict[str, str] = {}
        for chunk in _chunks(sorted(set(account_ids))):
            for r in self._all_rows(
                f"SELECT account_id, person_id FROM link_memberships WHERE account_id IN ({_marks(len(chunk))})", chunk
            ):
                out[r[0]] = r[1]
        return out

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
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(person_ids))):
            for r in self._all_rows(
                f"SELECT person_id, rank FROM link_persons WHERE person_id IN ({_marks(len(chunk))})", chunk
            ):
                out[r[0]] = int(r[1])
        return out

    @final
    def set_persons(self, person_of: Mapping[str, str], ranks: Mapping[str, int], now: float) -> None:
        """Record memberships and persons; persons left without members are removed."""
        before = set(self.persons_of(person_of).values())
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


def _face(r: tuple) -> FaceRow:
    return FaceRow(int(r[0]), r[1], np.frombuffer(bytes(r[2]), dtype=np.float32), r[3])


def _chunks(items: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
