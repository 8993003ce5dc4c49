"""The embedded SQLite backend (stdlib ``sqlite3``): one file, WAL, serialised writers.

WAL lets readers run while one writer commits; ``BEGIN IMMEDIATE`` takes the write lock at the
start of a transaction, so two writers can never both miss each other's rows; the busy timeout
makes a second writer wait instead of failing. Several processes on one machine may share the
file; for several machines use PostgreSQL.

Checkpoints (copying committed WAL pages into the database file, with an fsync) run in a
background thread of each store instead of inside the commit that crosses SQLite's automatic
threshold: at a million linked accounts a batch of registrations dirties thousands of random
index pages, and checkpointing them in the committing thread doubled the commit's time. The
thread runs passive checkpoints (they never block readers or the writer) shortly after commits
and a truncating one when the store closes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
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
        self._committed = threading.Event()
        self._stopping = threading.Event()
        super().__init__(*args, **kwargs)
        self._checkpointer = threading.Thread(target=self._checkpoint_loop, name="sqlite-checkpoint", daemon=True)
        self._checkpointer.start()

    def _after_commit(self) -> None:
        self._committed.set()

    def _checkpoint_loop(self) -> None:
        """Passive checkpoints after commits (and every few seconds), on this thread's connection."""
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None,
                                   check_same_thread=False)
            while not self._stopping.is_set():
                self._committed.wait(5.0)
                # A short pause gathers a burst of small commits (one registration each) into
                # one checkpoint instead of one fsync per commit.
                if self._stopping.wait(0.2):
                    break
                self._committed.clear()
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error:
            return  # the file went away (a test's temporary folder): nothing left to checkpoint
        finally:
            if conn is not None:
                conn.close()

    def _before_close(self) -> None:
        self._stopping.set()
        self._committed.set()
        self._checkpointer.join(timeout=60)
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(self.path, timeout=5)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    def _connect(self) -> Any:
        conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; WAL keeps it consistent
        conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_s * 1000)}")
        # Lookups are random index probes: a 64 MiB page cache and a memory map keep the hot
        # index pages in memory (the default cache is 2 MiB).
        conn.execute("PRAGMA cache_size=-65536")
        conn.execute("PRAGMA mmap_size=1073741824")
        conn.execute("PRAGMA wal_autocheckpoint=0")  # the background thread checkpoints instead
        return conn

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _translate_error(self, exc: Exception) -> Exception | None:
        if isinstance(exc, sqlite3.OperationalError):
            return Unavailable(f"SQLite store unavailable: {exc}", reason="STORE_UNAVAILABLE")
        return None
