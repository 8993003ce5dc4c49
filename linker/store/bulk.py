"""Bulk-loading an empty store with accounts that are each their own person (no linking).

A registration that finds no joining evidence writes one row per fact: the account, its hashed
signals, sealed identity values, keyed fuzzy terms (counted once per account), faces, a new
person and its membership, and a ``register`` event. :meth:`BulkRows.load_singletons` writes
exactly those rows for many accounts at once, through the backend's bulk path
(:meth:`idverify.db.Database._copy_rows`: ``COPY`` on PostgreSQL, ``executemany`` on SQLite),
with the secondary indexes of the big tables built after the load where the backend does that
faster (:meth:`idverify.db.Database._indexes_built_after`), and the term counts computed in one
``GROUP BY`` at the end instead of one upsert per term. It exists to reach a million accounts in
minutes for measurements (``benchmarks/bench_linker.py --prefill``); the store must be empty,
because term counts and person ranks are computed for the loaded accounts alone.

A mixin of :class:`~linker.store.base.LinkStore`; every method ``@final``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, final

import numpy as np

__all__ = ["BulkRows", "Singleton"]

#: The columns each loaded table receives, in the order of the rows built below.
_COLUMNS = {
    "link_accounts": ("account_id", "kind", "owner_account_id", "ref", "created_at", "updated_at"),
    "link_signals": ("account_id", "type", "digest", "first_seen"),
    "link_sealed": ("account_id", "type", "digest", "sealed", "seal_format", "key_id", "first_seen"),
    "link_fuzzy_keys": ("key", "account_id"),
    "link_faces": ("account_id", "embedding", "first_seen"),
    "link_persons": ("person_id", "rank", "created_at"),
    "link_memberships": ("account_id", "person_id", "since"),
    "link_events": ("at", "kind", "account_ref", "other_ref", "person_id", "other_person_id", "detail"),
}
#: Tables whose secondary indexes are rebuilt after the load (not link_accounts: each chunk
#: reads its new sequence numbers back by account id).
_REINDEXED = ("link_signals", "link_sealed", "link_fuzzy_keys", "link_faces", "link_persons",
              "link_memberships", "link_events")


@dataclass
class Singleton:
    """One account to load as its own person: what a registration without joining evidence
    stores. ``signals`` are ``(type, digest, first_seen)``; ``sealed`` are ``(type, digest,
    sealed value, first_seen)`` (:meth:`linker.engine.Linker._identity_rows` builds them with
    ``keys``); ``event_detail`` is the ``register`` event's JSON, or None for no event."""

    account_id: str
    kind: int
    owner_account_id: str
    now: float
    signals: Sequence[tuple[int, bytes, float]] = ()
    sealed: Sequence[tuple[int, bytes, Any, float]] = ()
    keys: Iterable[bytes] = ()
    faces: Sequence[tuple[np.ndarray, float]] = ()
    event_detail: str | None = None


class BulkRows:
    """:meth:`load_singletons`."""

    _all_rows: Any  # provided by idverify.db.Database
    _exec: Any
    _copy_rows: Any
    _indexes_built_after: Any
    _analyze: Any
    write: Any

    @final
    def load_singletons(self, chunks: Iterable[Sequence[Singleton]], person_id: Callable[[int], str],
                        progress: Callable[[int], None] | None = None) -> int:
        """Load accounts chunk by chunk into this empty store, in one transaction, each account
        its own person (``person_id(seq)`` names it, as :func:`linker.persons.new_person_id`
        does for a registration); returns how many were loaded. ``progress(n)`` is called after
        each chunk with the running total. Ends with the planner's statistics refreshed
        (:meth:`idverify.db.Database._analyze`), as they would be after a slow fill."""
        if int(self._all_rows("SELECT COUNT(*) FROM link_accounts")[0][0]):
            raise ValueError("load_singletons needs an empty store (term counts and ranks start from zero)")
        loaded = 0
        with self.write(), self._indexes_built_after(_REINDEXED):
            for chunk in chunks:
                self._load_chunk(chunk, person_id)
                loaded += len(chunk)
                if progress is not None:
                    progress(loaded)
            # Every account holds each of its terms once (the primary key): a term's count is
            # its number of rows, as the per-registration upserts would have counted it.
            self._exec("INSERT INTO link_fuzzy_counts (key, n) SELECT key, COUNT(*) FROM link_fuzzy_keys GROUP BY key")
        self._analyze()
        return loaded

    @final
    def _load_chunk(self, chunk: Sequence[Singleton], person_id: Callable[[int], str]) -> None:
        refs = {a.account_id: secrets.token_hex(12) for a in chunk}
        if len(refs) != len(chunk):
            raise ValueError("an account id repeats within the load")
        self._copy_rows("link_accounts", _COLUMNS["link_accounts"],
                        [(a.account_id, a.kind, a.owner_account_id, refs[a.account_id], a.now, a.now) for a in chunk])
        seqs: dict[str, int] = {}
        ids = [a.account_id for a in chunk]
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            seqs.update(self._all_rows(
                f"SELECT account_id, seq FROM link_accounts WHERE account_id IN ({','.join('?' * len(part))})", part))
        self._copy_rows("link_signals", _COLUMNS["link_signals"],
                        [(a.account_id, t, d, s) for a in chunk for t, d, s in dict.fromkeys(a.signals)])
        self._copy_rows("link_sealed", _COLUMNS["link_sealed"],
                        [(a.account_id, t, d, v.data, v.format, v.key_id, s) for a in chunk for t, d, v, s in a.sealed])
        self._copy_rows("link_fuzzy_keys", _COLUMNS["link_fuzzy_keys"],
                        [(k, a.account_id) for a in chunk for k in sorted(set(a.keys))])
        self._copy_rows("link_faces", _COLUMNS["link_faces"],
                        [(a.account_id, np.asarray(e, dtype=np.float32).tobytes(), s) for a in chunk for e, s in a.faces])
        persons = {a.account_id: person_id(seqs[a.account_id]) for a in chunk}
        self._copy_rows("link_persons", _COLUMNS["link_persons"],
                        [(persons[a.account_id], seqs[a.account_id], a.now) for a in chunk])
        self._copy_rows("link_memberships", _COLUMNS["link_memberships"],
                        [(a.account_id, persons[a.account_id], a.now) for a in chunk])
        self._copy_rows("link_events", _COLUMNS["link_events"],
                        [(a.now, "register", refs[a.account_id], "", persons[a.account_id], "", a.event_detail)
                         for a in chunk if a.event_detail is not None])
