"""The linker's store: one abstract interface, an SQLite and a PostgreSQL backend.

:func:`open_store` picks the backend from the location with
:func:`idverify.db.url.is_postgres_url`: a ``postgresql://`` (or ``postgres://``) URL opens
:class:`PostgresStore` (several service replicas share it), anything else is a file path for
the embedded :class:`SqliteStore`.
"""

from __future__ import annotations

from idverify.db.url import is_postgres_url
from linker.store.base import AccountRow, FaceRow, LinkStore, SealedRow, SealedValue
from linker.store.postgres import PostgresStore
from linker.store.sqlite import SqliteStore

__all__ = ["AccountRow", "FaceRow", "LinkStore", "PostgresStore", "SealedRow", "SealedValue", "SqliteStore", "open_store"]


def open_store(location: str) -> LinkStore:
    """Open (creating and migrating as needed) the store at a file path or PostgreSQL URL."""
    if is_postgres_url(location):
        return PostgresStore(location)
    return SqliteStore(location)
