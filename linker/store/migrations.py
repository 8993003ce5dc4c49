"""Versioned schema migrations, in order. Each is SQL with type placeholders that each backend
fills (``{serial}`` an auto-increment key, ``{blob}`` bytes, ``{real}`` a float); the applied
versions live in ``link_schema_migrations``. Every table and index carries the ``link_`` prefix so
the linker can share a database with the rest of the service. Never edit a released migration: append a new one.

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
            """CREATE TABLE link_accounts (
                seq {serial},
                account_id TEXT NOT NULL UNIQUE,
                kind INTEGER NOT NULL,
                owner_account_id TEXT NOT NULL DEFAULT '',
                ref TEXT NOT NULL UNIQUE,
                created_at {real} NOT NULL,
                updated_at {real} NOT NULL)""",
            """CREATE TABLE link_signals (
                account_id TEXT NOT NULL,
                type INTEGER NOT NULL,
                digest {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, type, digest))""",
            "CREATE INDEX link_signals_by_value ON link_signals (type, digest)",
            """CREATE TABLE link_names (
                account_id TEXT NOT NULL,
                digest {blob} NOT NULL,
                block {blob} NOT NULL,
                tokens {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, digest))""",
            "CREATE INDEX link_names_by_block ON link_names (block)",
            """CREATE TABLE link_faces (
                face_id {serial},
                account_id TEXT NOT NULL,
                embedding {blob} NOT NULL,
                first_seen {real} NOT NULL)""",
            "CREATE INDEX link_faces_by_account ON link_faces (account_id)",
            """CREATE TABLE link_persons (
                person_id TEXT PRIMARY KEY,
                rank BIGINT NOT NULL,
                created_at {real} NOT NULL)""",
            """CREATE TABLE link_memberships (
                account_id TEXT PRIMARY KEY,
                person_id TEXT NOT NULL,
                since {real} NOT NULL)""",
            "CREATE INDEX link_memberships_by_person ON link_memberships (person_id)",
            """CREATE TABLE link_reviews (
                account_a TEXT NOT NULL,
                account_b TEXT NOT NULL,
                action INTEGER NOT NULL,
                reviewer TEXT NOT NULL,
                note TEXT NOT NULL,
                at {real} NOT NULL,
                PRIMARY KEY (account_a, account_b))""",
            "CREATE INDEX link_reviews_by_b ON link_reviews (account_b)",
            """CREATE TABLE link_contracts (
                contract_id TEXT PRIMARY KEY,
                client_account_id TEXT NOT NULL,
                freelancer_account_id TEXT NOT NULL,
                decision INTEGER NOT NULL,
                at {real} NOT NULL)""",
            "CREATE INDEX link_contracts_by_client ON link_contracts (client_account_id)",
            "CREATE INDEX link_contracts_by_freelancer ON link_contracts (freelancer_account_id)",
            """CREATE TABLE link_events (
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
    (
        2,
        "a covering index for the names of a birth date",
        [
            # The names of a birth date read from the index alone: at a million accounts a date
            # holds about 60 names, each otherwise fetched from a random table page. Measured
            # at 1M: 510 -> 550 registrations/s. (The same for signal holders was measured and
            # left out: its bigger entries cost the commit what they saved the lookup.)
            # {name_cover_extra} is ", tokens" on SQLite; PostgreSQL leaves the key out because a
            # btree entry is limited to 2,704 bytes and a long name's key can exceed it.
            "CREATE INDEX link_names_by_block_cover ON link_names (block, account_id, digest, first_seen{name_cover_extra})",
            "DROP INDEX link_names_by_block",
        ],
    ),
    (
        3,
        "fuzzy identity: sealed normalised values, keyed blocking terms, term counts",
        [
            # The normalised name, birth date, document and address of a signal, AES-GCM sealed
            # under linker.seal_key (never in the clear); erased with the account.
            """CREATE TABLE link_sealed (
                account_id TEXT NOT NULL,
                type INTEGER NOT NULL,
                digest {blob} NOT NULL,
                sealed {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, type, digest))""",
            # Keyed hashes of blocking and term-frequency terms (linker.fuzzy), per account.
            """CREATE TABLE link_fuzzy_keys (
                key {blob} NOT NULL,
                account_id TEXT NOT NULL,
                PRIMARY KEY (key, account_id))""",
            "CREATE INDEX link_fuzzy_keys_by_account ON link_fuzzy_keys (account_id)",
            # How many accounts hold each keyed term: block sizes and term frequencies in one read.
            """CREATE TABLE link_fuzzy_counts (
                key {blob} PRIMARY KEY,
                n BIGINT NOT NULL)""",
        ],
    ),
    (
        4,
        "sealed values name their format and key id",
        [
            # linker.sealing: rows from migration 3 are format 0 without a key id (read under the
            # seal key or a previous key; ``idverify rotate-seal-key`` upgrades them). In columns
            # rather than a header in the value, because a format-0 value begins with a random
            # nonce that no header byte could be told apart from, and so that the rows still under
            # an old key are found without opening any.
            "ALTER TABLE link_sealed ADD COLUMN seal_format INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE link_sealed ADD COLUMN key_id TEXT NOT NULL DEFAULT ''",
        ],
    ),
    (
        5,
        "screened messages and profiles: posted contact and payment details, text fingerprints",
        [
            # Contact and payment details the account posted in messages (issue 18): the keyed
            # hash a registered value of the same type has (``type`` a SignalType), or for
            # details no account registers (handles, card numbers, crypto addresses) a
            # posted-only key code of 1000 and up; with the message kind and first time seen.
            """CREATE TABLE link_posted (
                account_id TEXT NOT NULL,
                type INTEGER NOT NULL,
                digest {blob} NOT NULL,
                message_kind TEXT NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, type, digest))""",
            "CREATE INDEX link_posted_by_value ON link_posted (type, digest)",
            # MinHash signatures of profile and job-post texts over keyed shingles (no text).
            """CREATE TABLE link_texts (
                account_id TEXT NOT NULL,
                digest {blob} NOT NULL,
                signature {blob} NOT NULL,
                first_seen {real} NOT NULL,
                PRIMARY KEY (account_id, digest))""",
            # Their LSH bands as keyed terms: the candidates of a new text.
            """CREATE TABLE link_text_bands (
                key {blob} NOT NULL,
                account_id TEXT NOT NULL,
                digest {blob} NOT NULL,
                PRIMARY KEY (key, account_id, digest))""",
            "CREATE INDEX link_text_bands_by_account ON link_text_bands (account_id)",
        ],
    ),
]
