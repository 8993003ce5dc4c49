"""The embedded SQLite backend of the linker's store: one file, WAL, serialised writers.

WAL lets readers run while one writer commits; ``BEGIN IMMEDIATE`` takes the write lock at the
start of a linking transaction, so two registrations can never both miss each other; the busy
timeout makes a second writer wait instead of failing. Several processes may share the file
on one machine; for several machines use :class:`~linker.store.postgres.PostgresStore`.
"""

from __future__ import annotations

from typing import ClassVar

from idverify.db import SqliteBackend
from linker.store.base import LinkStore

__all__ = ["SqliteStore"]


class SqliteStore(SqliteBackend, LinkStore):
    """A :class:`LinkStore` in one SQLite file (``SqliteStore(path, busy_timeout_s=30.0)``)."""

    types: ClassVar = {**SqliteBackend.types, "name_cover_extra": ", tokens"}
