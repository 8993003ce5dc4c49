"""The abstract base of every SQL store: connections per thread, transactions, migrations."""

from __future__ import annotations

import contextlib
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, final

from idverify.errors import Unavailable

__all__ = ["Database", "Migration"]

#: ``(version, description, statements)``; never edit a released migration, append a new one.
Migration = tuple[int, str, list[str]]

#: Rows per multi-row ``VALUES`` statement (PostgreSQL allows 65,535 parameters in one).
_ROWS_PER_INSERT = 1000


def _marks(n: int) -> str:
    return ",".join("?" * n)


class Database(ABC):
    """Connections (one per thread), serialised write transactions and versioned migrations.

    Subclasses set :attr:`migrations` and :attr:`migrations_table` (one table per store, so
    several stores share one database without their versions colliding) and write their queries
    with :meth:`_exec` / :meth:`_all_rows` inside or outside :meth:`write`.
    """

    #: Column types filling the migration templates (set by the backend).
    types: ClassVar[Mapping[str, str]]
    #: The backend's name for logs and metrics.
    backend: ClassVar[str]
    #: This store's migrations, in version order.
    migrations: ClassVar[Sequence[Migration]] = ()
    #: The table recording this store's applied migration versions.
    migrations_table: ClassVar[str] = "schema_migrations"
    #: Whether :meth:`_exec_later` queues writes to send with the next statement (a backend
    #: with a network round trip per statement, PostgreSQL, pipelines them; SQLite runs them now).
    pipelines: ClassVar[bool] = False
    #: Whether the backend takes a list as one array parameter (``= ANY(?)``, ``unnest(?)``):
    #: PostgreSQL does, so a lookup of many keys is one statement with one parameter each.
    arrays: ClassVar[bool] = False

    def __init__(self) -> None:
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        self._closed = False
        self._migrate()

    # ---- backend hooks ----------------------------------------------------------------------
    @abstractmethod
    def _connect(self) -> Any:
        """A new DB-API connection in autocommit mode."""

    @abstractmethod
    def _begin_write(self, conn: Any) -> None:
        """Begin a write transaction (serialising writers where the store needs it)."""

    def _translate(self, sql: str) -> str:
        """The SQL in the backend's placeholder style (``?`` by default)."""
        return sql

    def _translate_error(self, exc: Exception) -> Exception | None:
        """A domain error for a backend exception, or None to let it propagate."""
        return None

    # ---- plumbing ---------------------------------------------------------------------------
    @final
    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "broken", False) and not getattr(self._local, "in_tx", False):
            # The last statement on this connection failed as unavailable (a restarted server, a
            # dropped socket): a new connection lets the store recover when the server is back.
            self._local.broken = False
            self._local.conn = None
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            with contextlib.suppress(Exception):
                conn.close()
            conn = None
        if conn is None:
            if self._closed:
                raise RuntimeError("store is closed")
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @final
    def _exec(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            conn = self._conn()
            with self._flushing(conn, sql):
                return conn.execute(self._translate(sql), tuple(params))
        except Exception as exc:
            mapped = self._mapped(exc)
            if mapped is None:
                raise
            raise mapped from exc

    @final
    def _exec_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        try:
            conn = self._conn()
            with self._flushing(conn, sql):
                conn.cursor().executemany(self._translate(sql), [tuple(r) for r in rows])
        except Exception as exc:
            mapped = self._mapped(exc)
            if mapped is None:
                raise
            raise mapped from exc

    @final
    def _exec_later(self, sql: str, params: Sequence[Any] = ()) -> None:
        """A write whose result nobody reads. Inside a write transaction of a backend that
        :attr:`pipelines`, it is queued and sent in one pipeline with the next statement that
        waits for the server (a read, a ``RETURNING``, the ``COMMIT``): one round trip for
        both. Its error, if any, then surfaces there, still inside the transaction, which rolls
        back. Elsewhere it runs now."""
        if self.pipelines and getattr(self._local, "in_tx", False):
            self._spill()  # rows buffered before it go first: statements keep their order
            self._local.pending.append((self._translate(sql), tuple(params)))
        else:
            self._exec(sql, params)

    @final
    def _insert_later(self, sql: str, types: Sequence[str], rows: Sequence[Sequence[Any]], *,
                      summed: bool = False) -> None:
        """Rows for ``sql``, an ``INSERT`` whose ``{rows}`` is where its rows come from, with
        columns of the PostgreSQL ``types`` (``text``, ``int``, ``bytea``, ``float8``).

        Inside a write transaction of a backend that :attr:`pipelines`, the rows are buffered
        per statement until the next statement of another kind (any :meth:`_exec` or
        :meth:`_exec_later`), then sent as one statement, queued like :meth:`_exec_later`: a
        batch of registrations writes each table once instead of once per registration. With
        :attr:`arrays`, ``{rows}`` is ``SELECT * FROM unnest(?::text[], ...)``, one array per
        column: the statement's text is the same whatever the row count (parsed and prepared
        once; thousands of placeholders would cost the client more than the rows).
        ``summed``: the last column is a count to add, and rows of one key (the other columns)
        are merged into one row with the sum (one statement may not update a row twice).

        Elsewhere (SQLite, in process) one prepared statement runs per row (``executemany``),
        which costs it less than compiling a statement per row count."""
        if not rows:
            return
        if not (self.pipelines and getattr(self._local, "in_tx", False)):
            self._exec_many(sql.format(rows=f"VALUES ({_marks(len(rows[0]))})"), rows)
            return
        buffered = self._local.buffered
        key = (sql.split(None, 3)[2], sql, tuple(types))  # (table, statement, types)
        if summed:
            sums = buffered.setdefault(key, {})
            for *key, n in rows:
                sums[tuple(key)] = sums.get(tuple(key), 0) + n
        else:
            buffered.setdefault(key, []).extend(rows)

    @final
    def _spill(self, before: str = "") -> None:
        """Turn the buffered rows (:meth:`_insert_later`) into queued statements: all of them,
        or before a ``SELECT``, ``before``, only those of the tables it names (a read of other
        tables leaves them buffered, to go with more rows of theirs in one statement; the
        tables have no triggers or foreign keys, so only the order within a table matters)."""
        buffered = getattr(self._local, "buffered", None)
        if not buffered:
            return
        if before.lstrip()[:6].upper() == "SELECT":
            spilled = {key: rows for key, rows in buffered.items() if key[0] in before}
            if not spilled:
                return
            self._local.buffered = {key: rows for key, rows in buffered.items() if key not in spilled}
            buffered = spilled
        else:
            self._local.buffered = {}
        for (_table, sql, types), rows in buffered.items():
            if isinstance(rows, dict):
                rows = [(*key, n) for key, n in rows.items()]
            if self.arrays:
                source = "SELECT * FROM unnest(" + ", ".join(f"?::{t}[]" for t in types) + ")"
                self._local.pending.append((self._translate(sql.format(rows=source)),
                                            tuple(list(column) for column in zip(*rows, strict=True))))
                continue
            for start in range(0, len(rows), _ROWS_PER_INSERT):
                chunk = rows[start : start + _ROWS_PER_INSERT]
                group = f"({_marks(len(chunk[0]))})"
                self._local.pending.append(
                    (self._translate(sql.format(rows="VALUES " + ", ".join([group] * len(chunk)))),
                     tuple(v for row in chunk for v in row)))

    @final
    @contextlib.contextmanager
    def _flushing(self, conn: Any, sql: str) -> Iterator[None]:
        """Run the body's statement ``sql`` in one pipeline after the queued writes, if there are
        any (with the buffered rows it may read, :meth:`_spill`)."""
        self._spill(sql)
        pending = getattr(self._local, "pending", None)
        if not pending:
            yield
            return
        self._local.pending = []
        with conn.pipeline():
            for sql, params in pending:
                conn.execute(sql, params)
            yield

    @final
    def _mapped(self, exc: Exception) -> Exception | None:
        """The domain error for ``exc``, or None; an unavailable store marks this thread's
        connection for replacement."""
        mapped = self._translate_error(exc)
        if mapped is not None:
            self._local.broken = True
        return mapped

    @final
    def _all_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._all_rows_together([(sql, params)])[0]

    @final
    def _all_rows_together(self, queries: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple]]:
        """The rows of each query, in order: on a backend that :attr:`pipelines`, all of them in
        one round trip (one psycopg pipeline), else one after the other. Outside a write
        transaction they run on one of the backend's connections for statements outside
        transactions (:meth:`_outside_transaction`); inside one, on its connection after its
        queued writes.

        Outside a transaction, a read that fails as unavailable is tried once more: a kept
        connection that an outage ended fails only when next used, and the backend has by then
        noted the outage (the retry takes a connection that works if the server is back, and
        fails at once if it is not); reads change nothing, so running one twice is safe."""
        retry = not getattr(self._local, "in_tx", False)
        while True:
            try:
                with self._reading(" ".join(sql for sql, _ in queries)) as conn:
                    if len(queries) == 1 or not self.pipelines:
                        return [list(conn.execute(self._translate(sql), tuple(params)).fetchall())
                                for sql, params in queries]
                    with conn.pipeline():
                        cursors = [conn.execute(self._translate(sql), tuple(params)) for sql, params in queries]
                    return [list(cursor.fetchall()) for cursor in cursors]
            except Exception as exc:
                mapped = self._mapped(exc)
                if mapped is None:
                    raise
                if retry and isinstance(mapped, Unavailable):
                    retry = False
                    continue
                raise mapped from exc

    @final
    @contextlib.contextmanager
    def _reading(self, sql: str) -> Iterator[Any]:
        """The connection to run ``sql`` (one or more selects) on."""
        if getattr(self._local, "in_tx", False):
            conn = self._conn()
            with self._flushing(conn, sql):
                yield conn
            return
        with self._outside_transaction() as conn:
            yield conn

    def _outside_transaction(self) -> contextlib.AbstractContextManager[Any]:
        """A connection for statements outside write transactions (in autocommit mode): this
        thread's by default; the PostgreSQL backend lends one of a pool kept open."""
        return contextlib.nullcontext(self._conn())

    @final
    def _rows_in(self, sql: str, values: Sequence[Any], params: Sequence[Any] = ()) -> list[tuple]:
        """The rows of ``sql``, whose ``{in}`` (as in ``WHERE key {in}``) is each of ``values``,
        after ``params``: one statement with one array parameter (``= ANY(?)``) on a backend
        with :attr:`arrays`, else ``IN (?, ...)`` per 500 values."""
        if not values:
            return []
        if self.arrays:
            return self._all_rows(sql.format(**{"in": "= ANY(?)"}), (*params, list(values)))
        out: list[tuple] = []
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            out += self._all_rows(sql.format(**{"in": f"IN ({_marks(len(chunk))})"}), (*params, *chunk))
        return out

    @final
    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """A write transaction: commits on success, rolls back on any error; nests as one."""
        conn = self._conn()
        if getattr(self._local, "in_tx", False):
            yield
            return
        self._local.pending = []
        self._local.buffered = {}
        try:
            self._begin_write(conn)
        except Exception as exc:
            mapped = self._mapped(exc)
            if mapped is None:
                raise
            raise mapped from exc
        self._local.in_tx = True
        try:
            yield
        except BaseException:
            self._local.in_tx = False
            self._local.pending = []
            self._local.buffered = {}
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise
        self._local.in_tx = False
        try:
            self._exec("COMMIT")  # with the queued writes: a failing one rolls everything back
        except BaseException:
            self._local.pending = []
            self._local.buffered = {}
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
            raise
        self._after_commit()

    def _copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Append many rows to a table in the current transaction: a bulk load, no conflict
        handling (a duplicate key fails the load). This default runs one prepared ``INSERT`` per
        row (``executemany``); PostgreSQL streams them with ``COPY``."""
        self._exec_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})", rows)

    @contextlib.contextmanager
    def _indexes_built_after(self, tables: Sequence[str]) -> Iterator[None]:
        """Inside a write transaction: the body bulk-loads ``tables``; a backend that builds an
        index faster from the loaded rows than row by row drops their secondary indexes and
        constraints before the body and recreates them, as they were, after it. By default
        the indexes stay."""
        yield

    def _analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load)."""
        self._exec("ANALYZE")

    def _after_commit(self) -> None:
        """Called after each committed write transaction (the SQLite backend checkpoints)."""

    def _before_close(self) -> None:
        """Called once when the store closes, before its connections are closed."""

    @final
    def close(self) -> None:
        """Close every connection this store opened (in any thread)."""
        if not self._closed:
            self._before_close()
        self._closed = True
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()
        self._local = threading.local()

    @final
    def _migrate(self) -> None:
        table = self.migrations_table
        with self.write():
            self._exec(f"CREATE TABLE IF NOT EXISTS {table} (version INTEGER PRIMARY KEY, "
                       f"description TEXT NOT NULL, applied_at {self.types['real']} NOT NULL)")
            applied = {row[0] for row in self._all_rows(f"SELECT version FROM {table}")}
            for version, description, statements in self.migrations:
                if version in applied:
                    continue
                for statement in statements:
                    self._exec(statement.format(**self.types))
                self._exec(f"INSERT INTO {table} (version, description, applied_at) VALUES (?, ?, ?)",
                           (version, description, time.time()))

    @final
    def schema_versions(self) -> list[int]:
        """The applied migration versions of this store, ascending."""
        return [r[0] for r in self._all_rows(f"SELECT version FROM {self.migrations_table} ORDER BY version")]
