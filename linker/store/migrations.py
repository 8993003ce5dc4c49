"""Versioned schema migrations, in order. Each is SQL with type placeholders that each backend
fills (``{serial}`` an auto-increment key, ``{blob}`` bytes, ``{real}`` a float); the applied
versions live in ``schema_migrations``. Never edit a released migration: append a new one.

Raw identifiers never reach these tables: ``signals.digest`` and ``names`` hold keyed hashes;
``events`` refers to accounts only by their random ``ref`` (a pseudonym erased with the account,
so the append-only log keeps no trace of an erased account's id).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "accounts, signals, names, faces, persons, memberships, reviews, contracts, events",
        [
            """CREATE TABLE accounts (
                seq {serial},
                account_id TEXT NOT NULL UNIQUE,
                kind INTEGER NOT NULL,
                owner_account_id TEXT NOT NULL DEFAULT '',
                ref TEXT NOT NULL UNIQUE,
                created_at {real} NOT NULL,
                updated_at {real} NOT NULL)""",
            """CREATE TABLE signals (
                account_id TEXT NOT NULL,
                type INTEGER NOT NULL,
                digest {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, type, digest))""",
            "CREATE INDEX signals_by_value ON signals (type, digest)",
            """CREATE TABLE names (
                account_id TEXT NOT NULL,
                digest {blob} NOT NULL,
                block {blob} NOT NULL,
                tokens {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, digest))""",
            "CREATE INDEX names_by_block ON names (block)",
            """CREATE TABLE faces (
                face_id {serial},
                account_id TEXT NOT NULL,
                embedding {blob} NOT NULL,
                first_seen {real} NOT NULL)""",
            "CREATE INDEX faces_by_account ON faces (account_id)",
            """CREATE TABLE persons (
                person_id TEXT PRIMARY KEY,
                rank BIGINT NOT NULL,
                created_at {real} NOT NULL)""",
            """CREATE TABLE memberships (
                account_id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                since {real} NOT NULL)""",
            "CREATE INDEX memberships_by_person ON memberships (person_id)",
            """CREATE TABLE reviews (
                account_a TEXT NOT NULL,
                account_b TEXT NOT NULL,
                action INTEGER NOT NULL,
                reviewer TEXT NOT NULL,
                note TEXT NOT NULL,
                at {real} NOT NULL,
                PRIMARY KEY (account_a, account_b))""",
            "CREATE INDEX reviews_by_b ON reviews (account_b)",
            """CREATE TABLE contracts (
                contract_id TEXT PRIMARY KEY,
                client_account_id TEXT NOT NULL,
                freelancer_account_id TEXT NOT NULL,
                decision INTEGER NOT NULL,
                at {real} NOT NULL)""",
            "CREATE INDEX contracts_by_client ON contracts (client_account_id)",
            "CREATE INDEX contracts_by_freelancer ON contracts (freelancer_account_id)",
            """CREATE TABLE events (
                event_id {serial},
                at {real} NOT NULL,
                kind TEXT NOT NULL,
                account_ref TEXT NOT NULL DEFAULT '',
                other_ref TEXT NOT NULL DEFAULT '',
                person_id TEXT NOT NULL DEFAULT '',
                other_person_id TEXT NOT NULL DEFAULT '',
                detail TEXT NOT NULL DEFAULT '')""",
        ],
    ),
]
