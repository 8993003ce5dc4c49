"""The PostgreSQL backend (psycopg 3) for deployments with several replicas and workers.

Write transactions run on a connection per thread. Statements outside them (the reads of
every lookup) borrow a connection of a small pool (psycopg_pool) opened with the store, in
autocommit mode: a call never pays for a new connection (a PostgreSQL backend process to start,
tens of milliseconds on a busy host), and however many threads a server has, its reads hold at
most :attr:`PostgresBackend.read_pool_max` connections. Inside a write
transaction, ``BEGIN``, the lock and every write whose result nobody reads ride in one psycopg
pipeline with the next statement that waits for the server. A store that must
serialise its writers across replicas sets :attr:`PostgresBackend.write_lock_key`: every write
transaction then takes ``pg_advisory_xact_lock`` on it (released at commit). Stores whose
writers coordinate through row locks (``FOR UPDATE SKIP LOCKED``) leave it None.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from idverify.errors import Unavailable

__all__ = ["PostgresBackend"]


class PostgresBackend:
    """Backend mixin: put it before the store class (``class X(PostgresBackend, MyStore)``)."""

    types: ClassVar = {"serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "blob": "BYTEA",
                       "real": "DOUBLE PRECISION"}
    backend: ClassVar[str] = "postgresql"
    #: Advisory lock key taken by every write transaction, or None for none.
    write_lock_key: ClassVar[int | None] = None
    #: Writes without results are pipelined with the next statement (one round trip for both),
    #: where the libpq psycopg runs on supports pipelines (14 and later; the binary wheel's does).
    pipelines: ClassVar[bool] = True
    #: Connections of the pool for statements outside transactions: kept open, and at most.
    read_pool_min: ClassVar[int] = 4
    read_pool_max: ClassVar[int] = 16
    #: Lists are passed as one array parameter (``= ANY(%s)``, ``unnest(%s)``).
    arrays: ClassVar[bool] = True

    def __init__(self, url: str, *args: Any, connect_timeout_s: int = 10, **kwargs: Any) -> None:
        import psycopg

        self.url = url
        self._connect_timeout_s = connect_timeout_s
        if not psycopg.Pipeline.is_supported():
            self.pipelines = False  # an old libpq: every write runs at once, as on SQLite
        self._sql_cache: dict[str, str] = {}
        self._pool = None  # the migrations run on this thread's connection, before the pool opens
        #: Set when a statement failed as unavailable: until the pool has an idle connection
        #: again, reads run on this thread's own connection (see :meth:`_outside_transaction`).
        self._pool_down = False
        super().__init__(*args, **kwargs)
        self._pool = self._open_pool()

    def _open_pool(self) -> Any:
        from psycopg_pool import ConnectionPool, PoolTimeout

        pool = ConnectionPool(self.url, min_size=self.read_pool_min, max_size=self.read_pool_max, open=True,
                              kwargs={"autocommit": True, "connect_timeout": self._connect_timeout_s},
                              timeout=self._connect_timeout_s, name="idverify-reads")
        try:
            pool.wait(timeout=self._connect_timeout_s)
        except PoolTimeout as exc:
            pool.close()
            self.close()
            raise Unavailable("PostgreSQL store unreachable", reason="STORE_UNAVAILABLE") from exc
        return pool

    def _outside_transaction(self) -> Any:
        if self._pool is None or self._closed:  # closed: the base class says so, as on SQLite
            return super()._outside_transaction()
        if self._pool_down:
            if not self._pool.get_stats().get("pool_available", 0):
                # The pool reconnects after an outage in the background, with back-off; waiting
                # for it would hold every read for the connect timeout. A new connection of its
                # own fails at once while the server is down and works as soon as it is back
                # (this thread's kept connection may be one the outage killed unnoticed).
                return self._one_off_connection()
            self._pool_down = False
        return self._pool.connection()

    @contextlib.contextmanager
    def _one_off_connection(self) -> Iterator[Any]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    def _before_close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        super()._before_close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<url hidden>)"  # the URL may carry a password

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=self._connect_timeout_s)
        except psycopg.Error as exc:
            raise Unavailable("PostgreSQL store unreachable", reason="STORE_UNAVAILABLE") from exc

    def _begin_write(self, conn: Any) -> None:
        # Queued (Database._exec_later): sent with the transaction's first statement, so the
        # lock is taken before it runs, in the same round trip.
        self._local.pending.append(("BEGIN", ()))
        if self.write_lock_key is not None:
            self._local.pending.append(("SELECT pg_advisory_xact_lock(%s)", (self.write_lock_key,)))

    def _translate(self, sql: str) -> str:
        out = self._sql_cache.get(sql)
        if out is None:
            # Array parameters (``= ANY(?)``, ``?::type[]``) go in binary: psycopg's text format
            # quotes every element with a regular expression, which costs more than the query.
            out = sql.replace("%", "%%").replace("ANY(?)", "ANY(%b)").replace("?::", "%b::").replace("?", "%s")
            self._sql_cache[sql] = out
        return out

    def _translate_error(self, exc: Exception) -> Exception | None:
        import psycopg

        if isinstance(exc, psycopg.OperationalError):
            if self._pool is not None:
                self._pool_down = True
                # After an outage every pooled connection is dead, not only the one that failed:
                # test the idle ones now and replace the dead (the pool reconnects in the background).
                self._pool.check()
            return Unavailable("PostgreSQL store unavailable", reason="STORE_UNAVAILABLE")
        return None

    def _copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        # COPY cannot run inside a pipeline: send the queued writes (BEGIN, the lock) first.
        if not rows:
            return
        conn = self._conn()
        if self._local.pending:
            self._exec("SELECT 1")
        with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextlib.contextmanager
    def _indexes_built_after(self, tables: Sequence[str]) -> Iterator[None]:
        # The definitions as PostgreSQL prints them (pg_get_constraintdef, pg_get_indexdef):
        # recreated exactly, with their names. Primary keys and unique constraints first, then
        # the indexes that back no constraint.
        names = list(tables)
        marks = ",".join(["%s"] * len(names))
        conn = self._conn()
        if self._local.pending:
            self._exec("SELECT 1")
        constraints = conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            f"WHERE c.contype IN ('p', 'u') AND c.conrelid::regclass::text IN ({marks})", names).fetchall()
        indexes = conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            f"WHERE i.indrelid::regclass::text IN ({marks}) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", names).fetchall()
        # The load's aggregates (the term counts' GROUP BY over tens of millions of rows) spill
        # to disk at the default 4 MB of work_mem: measured at 950k accounts, minutes of temp files.
        conn.execute("SET LOCAL work_mem = '256MB'")
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        for table, name, _ in constraints:
            conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        yield
        # Index builds sort in memory up to maintenance_work_mem (64 MB by default).
        conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for table, name, definition in constraints:
            conn.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for _, definition in indexes:
            conn.execute(definition)

    def _analyze(self) -> None:
        # VACUUM too: a bulk-loaded table's pages are not yet marked all-visible, and until they
        # are an index-only scan (the covering indexes) still visits the table.
        self._exec("VACUUM (ANALYZE)")
