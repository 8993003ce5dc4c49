"""The PostgreSQL backend of the linker's store (psycopg 3), for several service replicas.

Every linking write takes ``pg_advisory_xact_lock`` on one key inside its transaction: linking
reads candidates and then writes persons, and two replicas registering two accounts of one
person at the same moment must not both create a person. The lock is released at commit.
Reads need no lock. Connections are one per thread, in autocommit mode outside transactions.
"""

from __future__ import annotations

from typing import ClassVar

from idverify.db import PostgresBackend
from linker.store.base import LinkStore

__all__ = ["LOCK_KEY", "PostgresStore"]

#: The advisory lock key serialising linking writers ("linker" in ASCII).
LOCK_KEY = 0x6C696E6B6572


class PostgresStore(PostgresBackend, LinkStore):
    """A :class:`LinkStore` in a PostgreSQL database given by a ``postgresql://`` URL."""

    write_lock_key: ClassVar[int | None] = LOCK_KEY
    types: ClassVar = {**PostgresBackend.types, "name_cover_extra": ""}
