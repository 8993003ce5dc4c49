"""The embedded SQLite backend (stdlib ``sqlite3``): one file, WAL, serialised writers.

WAL lets readers run while one writer commits; ``BEGIN IMMEDIATE`` takes the write lock at the
start of a linking transaction, so two registrations can never both miss each other; the busy
timeout makes a second writer wait instead of failing. Several processes may share the file
on one machine; for several machines use :class:`~linker.store.postgres.PostgresStore`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from idverify.errors import Unavailable
from linker.store.base import LinkStore

__all__ = ["SqliteStore"]


class SqliteStore(LinkStore):
    """A :class:`LinkStore` in one SQLite file."""

    types = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "real": "REAL"}
    backend = "sqlite"

    def __init__(self, path: str | Path, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_s = busy_timeout_s
        super().__init__()

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    def _connect(self) -> Any:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
        conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_s * 1000)}")
        # Signal lookups are random index probes: a 64 MiB page cache and a memory map keep the
        # hot index pages in memory (the default cache is 2 MiB).
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA mmap_size=1073741824")
        return conn

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _translate_error(self, exc: Exception) -> Exception | None:
        if isinstance(exc, sqlite3.OperationalError):
            return Unavailable(f"SQLite store unavailable: {exc}", reason="STORE_UNAVAILABLE")
        return None
