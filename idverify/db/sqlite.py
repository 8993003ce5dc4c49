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
and a truncating one when the store closes (skipped if another process is using the file).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any, ClassVar

from idverify.errors import Unavailable

__all__ = ["SqliteBackend"]

_log = logging.getLogger(__name__)


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
        # The thread holds only a weak reference to the store: one nobody closes is still freed.
        self._checkpointer = threading.Thread(
            target=_checkpoint_loop, args=(self.path, self._busy_timeout_s, self._committed, self._stopping),
            name="sqlite-checkpoint", daemon=True)
        self._checkpointer.start()
        weakref.finalize(self, self._stopping.set)

    def _after_commit(self) -> None:
        self._committed.set()

    def _before_close(self) -> None:
        self._stopping.set()
        self._committed.set()
        self._checkpointer.join(timeout=60)
        # Truncate the WAL if nobody else is using the file; never wait for other processes
        # (a server and a reverify worker may share it): busy means leave it for later.
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(self.path, timeout=0)) as conn:
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
        # The background thread checkpoints; SQLite's own checkpoint in the committing thread is
        # only a fallback, at 40 MiB of WAL instead of 4 MiB, should that thread have stopped.
        conn.execute("PRAGMA wal_autocheckpoint=10000")
        return conn

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN IMMEDIATE")

    def _translate_error(self, exc: Exception) -> Exception | None:
        if isinstance(exc, sqlite3.OperationalError):
            return Unavailable(f"SQLite store unavailable: {exc}", reason="STORE_UNAVAILABLE")
        return None


def _checkpoint_loop(path: Path, busy_timeout_s: float, committed: threading.Event, stopping: threading.Event) -> None:
    """Passive checkpoints after commits (and every few seconds) on this thread's connection."""
    try:
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        _log.warning("sqlite checkpoints: cannot open %s (%s); SQLite checkpoints at commit instead", path, exc)
        return
    failures = 0
    try:
        while not stopping.is_set():
            committed.wait(5.0)
            # A short pause gathers a burst of small commits (one registration each) into one
            # checkpoint instead of one fsync per commit.
            if stopping.wait(0.2):
                break
            committed.clear()
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                failures = 0
            except sqlite3.Error as exc:
                failures += 1
                if failures in (1, 10, 100):
                    _log.warning("sqlite checkpoint of %s failed (%d in a row): %s", path, failures, exc)
    finally:
        conn.close()
