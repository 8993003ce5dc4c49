"""The embedded SQLite backend (stdlib ``sqlite3``): one file, WAL, serialised writers.

WAL lets readers run while one writer commits; ``BEGIN IMMEDIATE`` takes the write lock at the
start of a transaction, so two writers can never both miss each other's rows; the busy timeout
makes a second writer wait instead of failing. Several processes on one machine may share the
file; for several machines use PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, ClassVar

from idverify.errors import Unavailable

__all__ = ["SqliteBackend"]


class SqliteBackend:
    """Backend mixin: put it before the store class (``class X(SqliteBackend, MyStore)``)."""

    types: ClassVar = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB", "real": "REAL"}
    backend: ClassVar[str] = "sqlite"

    def __init__(self, path: str | Path, *args: Any, busy_timeout_s: float = 30.0, **kwargs: Any) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_timeout_s = busy_timeout_s
        super().__init__(*args, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def _connect(self) -> Any:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None,
                               check_same_thread=True)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
        conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_s * 1000)}")
        return conn

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _translate_error(self, exc: Exception) -> Exception | None:
        if isinstance(exc, sqlite3.OperationalError):
            return Unavailable(f"SQLite store unavailable: {exc}", reason="STORE_UNAVAILABLE")
        return None
