"""What screening adds to an account (issue 18): the contact and payment details it posted in
messages and the fingerprints of its profile and job-post texts. Keyed hashes and MinHash
signatures only; every row is erased with the account (:meth:`ScreenedRows._erase_screened`).

A mixin of :class:`~linker.store.base.LinkStore`: the same portable SQL, every method ``@final``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, final

from linker.store.holders import HolderTable, distinct_values, holder_queries, holders_by_value

__all__ = ["POSTED_HOLDERS", "POSTED_OF", "ScreenedRows", "TEXTS_OF", "posted_row", "text_row"]

#: An account's posted details, as :func:`posted_row` reads them.
POSTED_OF = "SELECT type, digest, message_kind, first_seen FROM link_posted WHERE account_id = ?"
#: The text signatures of accounts ``IN`` a list that follows, as :func:`text_row` reads them.
TEXTS_OF = "SELECT account_id, signature, first_seen FROM link_texts WHERE account_id IN"
#: The select :func:`~linker.store.holders.holder_queries` limits per posted value.
POSTED_HOLDERS = HolderTable("link_posted", "account_id, message_kind, first_seen")


def posted_row(r: tuple) -> tuple[int, bytes, str, float]:
    return int(r[0]), bytes(r[1]), r[2], r[3]


def text_row(r: tuple) -> tuple[str, bytes, float]:
    return r[0], bytes(r[1]), r[2]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _chunks(items: Sequence[Any], size: int = 400) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class ScreenedRows:
    """Posted details (``link_posted``) and text fingerprints (``link_texts``, ``link_text_bands``)."""

    _all_rows: Any  # provided by idverify.db.Database
    _all_rows_together: Any
    arrays: bool
    _exec: Any
    _exec_many: Any

    # ---- posted details -----------------------------------------------------------------------
    @final
    def add_posted(self, account_id: str, rows: Iterable[tuple[int, bytes, str, float]], keep: int) -> int:
        """Store ``(type, digest, message kind, first_seen)`` rows; a detail the account posted
        before keeps its first provenance (re-screening a message adds nothing); an account
        keeps its ``keep`` newest details. Returns how many rows are new."""
        rows = list(dict.fromkeys((t, bytes(d), k, s) for t, d, k, s in rows))
        if not rows:
            return 0
        held = {(int(t), bytes(d)) for t, d in self._all_rows(
            "SELECT type, digest FROM link_posted WHERE account_id = ?", (account_id,))}
        new = [r for r in rows if (r[0], r[1]) not in held]
        new = list({(t, d): (t, d, k, s) for t, d, k, s in new}.values())
        self._exec_many(
            "INSERT INTO link_posted (account_id, type, digest, message_kind, first_seen) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id, type, digest) DO NOTHING",
            [(account_id, t, d, k, s) for t, d, k, s in new],
        )
        held_rows = self._all_rows("SELECT type, digest, first_seen FROM link_posted WHERE account_id = ?",
                                   (account_id,))
        if len(held_rows) > keep:
            ordered = sorted(((r[2], int(r[0]), bytes(r[1])) for r in held_rows), reverse=True)
            self._exec_many("DELETE FROM link_posted WHERE account_id = ? AND type = ? AND digest = ?",
                            [(account_id, t, d) for _, t, d in ordered[keep:]])
        return len(new)

    @final
    def posted_of(self, account_id: str) -> list[tuple[int, bytes, str, float]]:
        """An account's posted details: ``(type, digest, message kind, first_seen)``."""
        return [posted_row(r) for r in self._all_rows(POSTED_OF, (account_id,))]

    @final
    def posted_holders_many(self, values: Sequence[tuple[int, bytes]],
                            limit: int) -> dict[tuple[int, bytes], list[tuple[str, str, float]]]:
        """Up to ``limit`` accounts that posted each value: ``(account, message kind, first_seen)``."""
        values, limits = distinct_values(values, limit)
        queries = holder_queries(POSTED_HOLDERS, values, limits, arrays=self.arrays)
        return holders_by_value(values, self._all_rows_together(queries) if queries else [])

    @final
    def shared_posted(self, account_ids: Sequence[str]) -> list[tuple[str, str, int, bytes, str, str, float]]:
        """Posted details among ``account_ids`` equal to another's registered value or posted
        detail: ``(poster, other, type, digest, poster's message kind, other's kind or "" for a
        registered value, seen_at)``; a pair of posters appears once (poster < other)."""
        out = []
        for chunk in _chunks(sorted(set(account_ids))):
            marks = _marks(len(chunk))
            out += self._all_rows(
                "SELECT x.account_id, y.account_id, x.type, x.digest, x.message_kind, '', "
                "CASE WHEN x.first_seen > y.first_seen THEN x.first_seen ELSE y.first_seen END "
                "FROM link_posted x JOIN link_signals y ON x.type = y.type AND x.digest = y.digest "
                f"AND x.account_id <> y.account_id WHERE x.account_id IN ({marks}) AND y.account_id IN ({marks})",
                (*chunk, *chunk))
            out += self._all_rows(
                "SELECT x.account_id, y.account_id, x.type, x.digest, x.message_kind, y.message_kind, "
                "CASE WHEN x.first_seen > y.first_seen THEN x.first_seen ELSE y.first_seen END "
                "FROM link_posted x JOIN link_posted y ON x.type = y.type AND x.digest = y.digest "
                f"AND x.account_id < y.account_id WHERE x.account_id IN ({marks}) AND y.account_id IN ({marks})",
                (*chunk, *chunk))
        return [(a, b, int(t), bytes(d), ka, kb, s) for a, b, t, d, ka, kb, s in out]

    # ---- text fingerprints --------------------------------------------------------------------
    @final
    def add_text(self, account_id: str, digest: bytes, signature: bytes, bands: Iterable[bytes],
                 first_seen: float, keep: int) -> bool:
        """Store a text's signature and band keys (once per account and text); an account keeps
        its ``keep`` newest texts. Returns True when the text is new for the account."""
        if self._all_rows("SELECT 1 FROM link_texts WHERE account_id = ? AND digest = ?", (account_id, digest)):
            return False
        self._exec("INSERT INTO link_texts (account_id, digest, signature, first_seen) VALUES (?, ?, ?, ?)",
                   (account_id, digest, signature, first_seen))
        self._exec_many("INSERT INTO link_text_bands (key, account_id, digest) VALUES (?, ?, ?) "
                        "ON CONFLICT (key, account_id, digest) DO NOTHING",
                        [(k, account_id, digest) for k in sorted(set(bands))])
        older = self._all_rows("SELECT digest, first_seen FROM link_texts WHERE account_id = ?", (account_id,))
        ordered = sorted(((r[1], bytes(r[0])) for r in older), reverse=True)
        for _, old in ordered[keep:]:
            self._exec("DELETE FROM link_text_bands WHERE account_id = ? AND digest = ?", (account_id, old))
            self._exec("DELETE FROM link_texts WHERE account_id = ? AND digest = ?", (account_id, old))
        return True

    @final
    def text_candidates(self, bands: Iterable[bytes], limit: int) -> set[str]:
        """Accounts holding any of the band keys; a band held by more than ``limit`` accounts
        (boilerplate, a template) is left out."""
        keys = sorted(set(bands))
        counts: dict[bytes, set[str]] = {}
        for chunk in _chunks(keys):
            for k, account_id in self._all_rows(
                    f"SELECT key, account_id FROM link_text_bands WHERE key IN ({_marks(len(chunk))})", chunk):
                counts.setdefault(bytes(k), set()).add(account_id)
        return {a for holders in counts.values() if len(holders) <= limit for a in holders}

    @final
    def texts_of(self, account_ids: Iterable[str]) -> list[tuple[str, bytes, float]]:
        """The accounts' text signatures: ``(account_id, signature, first_seen)``."""
        out = []
        for chunk in _chunks(sorted(set(account_ids))):
            out += [text_row(r) for r in self._all_rows(f"{TEXTS_OF} ({_marks(len(chunk))})", chunk)]
        return out

    # ---- erasure ------------------------------------------------------------------------------
    @final
    def _erase_screened(self, account_id: str) -> int:
        """Delete the account's posted details and texts; returns how many were erased."""
        erased = self._exec("DELETE FROM link_posted WHERE account_id = ?", (account_id,)).rowcount
        self._exec("DELETE FROM link_text_bands WHERE account_id = ?", (account_id,))
        erased += self._exec("DELETE FROM link_texts WHERE account_id = ?", (account_id,)).rowcount
        return erased
