"""Verification history and re-verification leases, on SQLite or PostgreSQL.

Tables (migrations in ``reverify_migrations``, beside the linker's tables in the same database):

- ``reverify_accounts``: one row per verified account: when it was last verified and under
  which policy and model, when it is next due (``next_due_at``, indexed), the last strong-link
  and re-check-request times, the lease (owner, token, expiry), retry state, and what a re-check
  without images needs: the declared profile and the last VerifyIdentity response with every
  image byte stripped (document fields, face distance, reasons).
- ``verifications``: the append-only history: one row per check with its decision, reason
  codes, why it was due, the policy and model versions, and which worker ran it.
- ``retained_images``: raw images, only when ``reverify.retain_images`` is on, deleted by the
  worker after ``image_retention_days``: the last request's profile photo and document images,
  and up to ``earlier_selfies`` selfies whose face comparison was MATCH (roles
  ``verified_selfie_<n>``), which a later verification of the account fuses (idverify.faces.fusion).
- ``reverify_requests``: the append-only log of re-verification requests (RequestReverification,
  ``idverify reverify request``): who asked, when, and the reason code; the worker's next result
  for the account names ``REQUESTED`` among its due reasons.
- ``signups``: the first answer to each Signup request (by account and request digest, images
  stripped), written in the transaction that records the signup's verification, so that a
  retried call returns that answer and records nothing twice.

Leasing: :meth:`ReverifyStore.lease` marks up to ``n`` due accounts with a fresh token and an
expiry in one statement; PostgreSQL adds ``FOR UPDATE SKIP LOCKED`` so concurrent workers on
several machines take disjoint rows without waiting; SQLite serialises writers with
``BEGIN IMMEDIATE``. :meth:`ReverifyStore.complete` records a result only while the lease is
still held, in the same transaction that clears it: a worker whose lease expired (it was
killed, or stalled) cannot write a duplicate result, and a second run finds nothing due.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, final

from idverify.db import Database, Migration, PostgresBackend, SqliteBackend, is_postgres_url
from idverify.reverify.schedule import DUE_REASONS, AccountState, due_reasons, next_due_at
from idverify.reverify.settings import ReverifySettings

__all__ = ["Lease", "LeaseLost", "Result", "ReverifyStore", "VERIFIED_SELFIE", "earlier_selfies",
           "open_reverify_store", "selfie_document_key"]

#: The role prefix of retained selfies whose face comparison against the document was MATCH;
#: the role goes on with the document's key (:func:`selfie_document_key`) and a slot number.
VERIFIED_SELFIE = "verified_selfie_"


def selfie_document_key(issuing_country: str, document_number: str) -> str | None:
    """The key a verified selfie is kept under: which document vouched for it (16 hex digits of
    the SHA-256 of ``COUNTRY:NUMBER``), or None when the document's number or country was not
    read (then no selfie is kept and none is fused). An earlier selfie only ever stands in for
    the document that verified it: another document, even a look-alike's, starts afresh."""
    country, number = issuing_country.strip().upper(), "".join(document_number.split()).upper()
    if not country or not number:
        return None
    return hashlib.sha256(f"{country}:{number}".encode()).hexdigest()[:16]

MIGRATIONS: list[Migration] = [
    (
        1,
        "reverify_accounts, verifications, retained_images",
        [
            """CREATE TABLE reverify_accounts (
                account_id TEXT PRIMARY KEY,
                verified_at {real} NOT NULL,
                next_due_at {real} NOT NULL,
                document_expiry {real},
                policy_version TEXT NOT NULL,
                model_version TEXT NOT NULL,
                last_link_at {real} NOT NULL DEFAULT 0,
                requested_at {real} NOT NULL DEFAULT 0,
                lease_owner TEXT NOT NULL DEFAULT '',
                lease_token TEXT NOT NULL DEFAULT '',
                lease_expires_at {real} NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                retry_at {real} NOT NULL DEFAULT 0,
                status TEXT NOT NULL DEFAULT 'active',
                last_decision INTEGER NOT NULL DEFAULT 0,
                declared {blob},
                evidence {blob})""",
            "CREATE INDEX reverify_accounts_due ON reverify_accounts (next_due_at)",
            """CREATE TABLE verifications (
                verification_id {serial},
                account_id TEXT NOT NULL,
                at {real} NOT NULL,
                decision INTEGER NOT NULL,
                reasons TEXT NOT NULL,
                due_reasons TEXT NOT NULL,
                policy_version TEXT NOT NULL,
                model_version TEXT NOT NULL,
                source TEXT NOT NULL,
                worker TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX verifications_by_account ON verifications (account_id, at)",
            """CREATE TABLE retained_images (
                account_id TEXT NOT NULL,
                role TEXT NOT NULL,
                content {blob} NOT NULL,
                stored_at {real} NOT NULL,
                PRIMARY KEY (account_id, role))""",
            "CREATE INDEX retained_images_by_age ON retained_images (stored_at)",
        ],
    ),
    (
        2,
        "signups: the first answer to each signup request, so that a retry stores nothing twice",
        [
            """CREATE TABLE signups (
                account_id TEXT NOT NULL,
                request_sha256 TEXT NOT NULL,
                response {blob} NOT NULL,
                at {real} NOT NULL,
                PRIMARY KEY (account_id, request_sha256))""",
        ],
    ),
    (
        3,
        "reverify_requests: who asked for a re-verification of an account, when and why",
        [
            """CREATE TABLE reverify_requests (
                request_id {serial},
                account_id TEXT NOT NULL,
                at {real} NOT NULL,
                reason TEXT NOT NULL,
                requested_by TEXT NOT NULL)""",
            "CREATE INDEX reverify_requests_by_account ON reverify_requests (account_id, at)",
        ],
    ),
]

_DUE = ("status = 'active' AND retry_at <= ? AND lease_expires_at < ? AND (next_due_at <= ? "
        "OR policy_version <> ? OR model_version <> ? OR last_link_at > verified_at "
        "OR requested_at > verified_at)")


class LeaseLost(Exception):
    """The worker's lease on an account expired and another worker may hold it now."""


@dataclass(frozen=True)
class Lease:
    """An account leased to one worker until ``expires_at``."""

    account_id: str
    token: str
    expires_at: float
    state: AccountState
    attempts: int
    declared: bytes | None
    evidence: bytes | None


@dataclass(frozen=True)
class Result:
    """The outcome of one check, as recorded."""

    decision: int
    reasons: Sequence[str]
    document_expiry: float | None
    declared: bytes | None
    evidence: bytes | None


class ReverifyStore(Database):
    """Verification history and leases (see the module docstring)."""

    migrations: ClassVar[Sequence[Migration]] = MIGRATIONS
    migrations_table: ClassVar[str] = "reverify_migrations"

    @abstractmethod
    def _lock_clause(self) -> str:
        """`` FOR UPDATE SKIP LOCKED`` where the backend has row locks, else empty."""

    # ---- recording ----------------------------------------------------------------------------
    @final
    def record_verification(self, account_id: str, result: Result, *, policy_version: str, model_version: str,
                            settings: ReverifySettings, source: str, due_reasons: Sequence[str] = (),
                            worker: str = "", now: float | None = None) -> None:
        """Record a check made outside a lease (VerifyIdentity at signup) and reschedule the account."""
        now = time.time() if now is None else now
        with self.write():
            self._upsert_state(account_id, result, policy_version, model_version, settings, now)
            self._append(account_id, result, due_reasons, policy_version, model_version, source, worker, now)

    @final
    def record_signup(self, account_id: str, result: Result, *, request_sha256: str, response: bytes,
                      policy_version: str, model_version: str, settings: ReverifySettings,
                      now: float | None = None) -> bool:
        """Record a signup's verification and its answer in one transaction; False (and nothing
        written) when an answer to the same request is already recorded (a concurrent retry)."""
        now = time.time() if now is None else now
        with self.write():
            # Claim the request first: of two identical calls racing (on any backend), one inserts
            # the row and records; the other inserts nothing and records nothing.
            claimed = self._exec(
                "INSERT INTO signups (account_id, request_sha256, response, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (account_id, request_sha256) DO NOTHING",
                (account_id, request_sha256, response, now)).rowcount
            if claimed != 1:
                return False
            self._upsert_state(account_id, result, policy_version, model_version, settings, now)
            self._append(account_id, result, (), policy_version, model_version, "signup", "", now)
        return True

    @final
    def signup_response(self, account_id: str, request_sha256: str) -> bytes | None:
        """The recorded answer to this signup request, or None."""
        rows = self._all_rows("SELECT response FROM signups WHERE account_id = ? AND request_sha256 = ?",
                              (account_id, request_sha256))
        return _bytes(rows[0][0]) if rows else None

    @final
    def request_recheck(self, account_id: str, now: float | None = None, *, reason: str = "",
                        requested_by: str = "") -> bool:
        """Make a verified account due now, and log who asked and why (``reason``: a code such as
        ``SUSPECTED_FRAUD``; ``requested_by``: the client id); False, and nothing logged, when
        the account was never verified."""
        now = time.time() if now is None else now
        with self.write():
            cur = self._exec("UPDATE reverify_accounts SET requested_at = ?, status = 'active', attempts = 0, "
                             "retry_at = 0 WHERE account_id = ?", (now, account_id))
            if cur.rowcount != 1:
                return False
            self._exec("INSERT INTO reverify_requests (account_id, at, reason, requested_by) VALUES (?, ?, ?, ?)",
                       (account_id, now, reason, requested_by))
            return True

    @final
    def recheck_requests(self, account_id: str) -> list[tuple]:
        """``(at, reason, requested_by)`` of every re-verification request of an account, oldest first."""
        return self._all_rows("SELECT at, reason, requested_by FROM reverify_requests WHERE account_id = ? "
                              "ORDER BY at, request_id", (account_id,))

    @final
    def note_link(self, account_ids: Sequence[str], now: float | None = None) -> None:
        """New strong link evidence touched these accounts: they are due for a re-check."""
        now = time.time() if now is None else now
        with self.write():
            for account_id in account_ids:
                self._exec("UPDATE reverify_accounts SET last_link_at = ? WHERE account_id = ?", (now, account_id))

    # ---- leasing ------------------------------------------------------------------------------
    @final
    def due_count(self, policy_version: str, model_version: str, now: float | None = None) -> int:
        """How many accounts are due and not leased (the backlog)."""
        now = time.time() if now is None else now
        rows = self._all_rows(f"SELECT COUNT(*) FROM reverify_accounts WHERE {_DUE}",
                              (now, now, now, policy_version, model_version))
        return int(rows[0][0])

    @final
    def due_by_reason(self, policy_version: str, model_version: str, settings: ReverifySettings,
                      now: float | None = None) -> dict[str, int]:
        """The backlog by due reason (every reason, 0 when none): an account due for two reasons
        counts under both. Reads the due rows' schedule columns only."""
        now = time.time() if now is None else now
        counts = dict.fromkeys(DUE_REASONS, 0)
        rows = self._all_rows(
            "SELECT account_id, verified_at, document_expiry, policy_version, model_version, last_link_at, "
            f"requested_at FROM reverify_accounts WHERE {_DUE}", (now, now, now, policy_version, model_version))
        for r in rows:
            state = AccountState(account_id=r[0], verified_at=r[1], document_expiry=r[2], policy_version=r[3],
                                 model_version=r[4], last_link_at=r[5], requested_at=r[6])
            for reason in due_reasons(state, now, policy_version, model_version, settings):
                counts[reason] += 1
        return counts

    @final
    def lease(self, worker: str, n: int, policy_version: str, model_version: str, lease_seconds: float,
              now: float | None = None) -> list[Lease]:
        """Lease up to ``n`` due accounts to ``worker``, most overdue first."""
        now = time.time() if now is None else now
        token = secrets.token_hex(8)
        expires = now + lease_seconds
        with self.write():
            rows = self._all_rows(
                "UPDATE reverify_accounts SET lease_owner = ?, lease_token = ?, lease_expires_at = ? "
                "WHERE account_id IN (SELECT account_id FROM reverify_accounts WHERE "
                f"{_DUE} ORDER BY next_due_at LIMIT ?{self._lock_clause()}) "
                "RETURNING account_id, verified_at, document_expiry, policy_version, model_version, "
                "last_link_at, requested_at, attempts, declared, evidence",
                (worker, token, expires, now, now, now, policy_version, model_version, n),
            )
        leases = []
        for r in rows:
            state = AccountState(account_id=r[0], verified_at=r[1], document_expiry=r[2], policy_version=r[3],
                                 model_version=r[4], last_link_at=r[5], requested_at=r[6])
            leases.append(Lease(r[0], token, expires, state, r[7], _bytes(r[8]), _bytes(r[9])))
        return sorted(leases, key=lambda lease: lease.account_id)

    @final
    def complete(self, lease: Lease, result: Result, *, due_reasons: Sequence[str], policy_version: str,
                 model_version: str, settings: ReverifySettings, worker: str, now: float | None = None) -> None:
        """Record the lease's result and release it; raises LeaseLost when no longer held."""
        now = time.time() if now is None else now
        with self.write():
            self._hold(lease, now)
            self._upsert_state(lease.account_id, result, policy_version, model_version, settings, now)
            self._append(lease.account_id, result, due_reasons, policy_version, model_version, "reverify",
                         worker, now)

    @final
    def fail(self, lease: Lease, *, retry_in: float | None, now: float | None = None) -> None:
        """Release a failed lease: retry after ``retry_in`` seconds, or park it (None) as failed."""
        now = time.time() if now is None else now
        with self.write():
            self._hold(lease, now)
            if retry_in is None:
                self._exec("UPDATE reverify_accounts SET status = 'failed', attempts = attempts + 1, "
                           "lease_owner = '', lease_token = '', lease_expires_at = 0 WHERE account_id = ?",
                           (lease.account_id,))
            else:
                self._exec("UPDATE reverify_accounts SET attempts = attempts + 1, retry_at = ?, "
                           "lease_owner = '', lease_token = '', lease_expires_at = 0 WHERE account_id = ?",
                           (now + retry_in, lease.account_id))

    # ---- retained images ----------------------------------------------------------------------
    @final
    def retain_image(self, account_id: str, role: str, content: bytes, now: float | None = None) -> None:
        """Keep one raw image of an account (only called when retention is configured)."""
        now = time.time() if now is None else now
        with self.write():
            self._exec("INSERT INTO retained_images (account_id, role, content, stored_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (account_id, role) DO UPDATE SET content = excluded.content, "
                       "stored_at = excluded.stored_at", (account_id, role, content, now))

    @final
    def retained_images(self, account_id: str) -> dict[str, bytes]:
        """The retained images of an account by role (profile, document_front, document_back, and
        verified_selfie_0 ... :meth:`retain_verified_selfie`)."""
        rows = self._all_rows("SELECT role, content FROM retained_images WHERE account_id = ?", (account_id,))
        return {role: bytes(content) for role, content in rows}

    @final
    def retain_verified_selfie(self, account_id: str, content: bytes, keep: int, document_key: str,
                               now: float | None = None) -> None:
        """Keep a selfie whose face comparison against the account's document was MATCH, under
        that document's key (:func:`selfie_document_key`), as one of at most ``keep`` per document
        (roles ``verified_selfie_<key>_0`` ...): the same bytes again only refresh their time; a
        new selfie takes a free slot or the oldest one."""
        now = time.time() if now is None else now
        if keep < 1:
            return
        prefix = f"{VERIFIED_SELFIE}{document_key}_"
        with self.write():
            held = {role: (bytes(c), at) for role, c, at in self._all_rows(
                "SELECT role, content, stored_at FROM retained_images WHERE account_id = ?", (account_id,))
                if role.startswith(prefix)}
            same = [role for role, (c, _) in held.items() if c == content]
            slots = [f"{prefix}{i}" for i in range(keep)]
            free = [role for role in slots if role not in held]
            role = same[0] if same else free[0] if free else min(slots, key=lambda r: held[r][1])
            self._exec("INSERT INTO retained_images (account_id, role, content, stored_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (account_id, role) DO UPDATE SET content = excluded.content, "
                       "stored_at = excluded.stored_at", (account_id, role, content, now))
            for extra in set(held) - set(slots):  # ``keep`` was lowered since they were stored
                self._exec("DELETE FROM retained_images WHERE account_id = ? AND role = ?", (account_id, extra))

    @final
    def verified_selfies(self, account_id: str) -> dict[str, list[bytes]]:
        """The account's retained verified selfies (:meth:`retain_verified_selfie`) by the key of
        the document that verified them, newest first."""
        rows = self._all_rows("SELECT role, content FROM retained_images WHERE account_id = ? "
                              "ORDER BY stored_at DESC, role", (account_id,))
        return _by_document({role: bytes(content) for role, content in rows}, order=[r for r, _ in rows])

    @final
    def purge_images(self, older_than: float) -> int:
        """Delete retained images stored before ``older_than``; returns how many."""
        with self.write():
            return self._exec("DELETE FROM retained_images WHERE stored_at < ?", (older_than,)).rowcount

    # ---- reading ------------------------------------------------------------------------------
    @final
    def history(self, account_id: str) -> list[tuple]:
        """``(at, decision, reasons, due_reasons, policy_version, source, worker)`` rows, oldest first."""
        return self._all_rows(
            "SELECT at, decision, reasons, due_reasons, policy_version, source, worker FROM verifications "
            "WHERE account_id = ? ORDER BY at, verification_id", (account_id,))

    @final
    def erase(self, account_id: str) -> None:
        """Remove every trace of an account (its erasure in the linker calls this too)."""
        with self.write():
            for table in ("signups", "retained_images", "verifications", "reverify_requests", "reverify_accounts"):
                self._exec(f"DELETE FROM {table} WHERE account_id = ?", (account_id,))

    # ---- internals ----------------------------------------------------------------------------
    @final
    def _hold(self, lease: Lease, now: float) -> None:
        rows = self._all_rows(
            "SELECT 1 FROM reverify_accounts WHERE account_id = ? AND lease_token = ? AND lease_expires_at >= ?",
            (lease.account_id, lease.token, now))
        if not rows:
            raise LeaseLost(f"the lease on an account expired before its result was recorded ({lease.token})")

    @final
    def _upsert_state(self, account_id: str, result: Result, policy_version: str, model_version: str,
                      settings: ReverifySettings, now: float) -> None:
        due = next_due_at(now, result.document_expiry, settings)
        self._exec(
            "INSERT INTO reverify_accounts (account_id, verified_at, next_due_at, document_expiry, policy_version, "
            "model_version, last_decision, declared, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (account_id) DO UPDATE SET verified_at = excluded.verified_at, "
            "next_due_at = excluded.next_due_at, document_expiry = excluded.document_expiry, "
            "policy_version = excluded.policy_version, model_version = excluded.model_version, "
            "last_decision = excluded.last_decision, "
            "declared = COALESCE(excluded.declared, reverify_accounts.declared), "
            "evidence = COALESCE(excluded.evidence, reverify_accounts.evidence), "
            "lease_owner = '', lease_token = '', lease_expires_at = 0, attempts = 0, retry_at = 0, "
            "status = 'active'",
            (account_id, now, due, result.document_expiry, policy_version, model_version, result.decision,
             result.declared, result.evidence),
        )

    @final
    def _append(self, account_id: str, result: Result, due_reasons: Sequence[str], policy_version: str,
                model_version: str, source: str, worker: str, now: float) -> None:
        self._exec(
            "INSERT INTO verifications (account_id, at, decision, reasons, due_reasons, policy_version, "
            "model_version, source, worker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, now, result.decision, ",".join(result.reasons), ",".join(due_reasons), policy_version,
             model_version, source, worker),
        )


def earlier_selfies(retained: dict[str, bytes], probe: bytes) -> dict[str, list[bytes]]:
    """The verified selfies among ``retained`` (by role) other than ``probe`` itself (a selfie
    compared with its own bytes proves nothing), by the key of the document that verified them."""
    return _by_document({r: c for r, c in retained.items() if c != probe}, order=sorted(retained))


def _by_document(retained: dict[str, bytes], order: Sequence[str]) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for role in order:
        if role in retained and role.startswith(VERIFIED_SELFIE):
            key = role[len(VERIFIED_SELFIE):].rpartition("_")[0]
            if key:  # every verified selfie is kept under its document's key
                out.setdefault(key, []).append(retained[role])
    return out


def _bytes(value) -> bytes | None:
    return None if value is None else bytes(value)


class SqliteReverifyStore(SqliteBackend, ReverifyStore):
    """The re-verification store in the embedded SQLite file."""

    def _lock_clause(self) -> str:
        return ""  # BEGIN IMMEDIATE already serialises writers


class PostgresReverifyStore(PostgresBackend, ReverifyStore):
    """The re-verification store in PostgreSQL; workers on several machines share it."""

    def _lock_clause(self) -> str:
        return " FOR UPDATE SKIP LOCKED"


def open_reverify_store(location: str) -> ReverifyStore:
    """Open (creating and migrating as needed) the store at a SQLite path or PostgreSQL URL."""
    if is_postgres_url(location):
        return PostgresReverifyStore(location)
    return SqliteReverifyStore(location)
