"""The PostgreSQL backend (psycopg 3) for deployments with several service replicas.

Every linking write takes ``pg_advisory_xact_lock`` on one key inside its transaction: linking
reads candidates and then writes persons, and two replicas registering two accounts of one
person at the same moment must not both create a person. The lock is released at commit.
Reads need no lock. Connections are one per thread, in autocommit mode outside transactions.
"""

from __future__ import annotations

from typing import Any

from idverify.errors import Unavailable
from linker.store.base import LinkStore

__all__ = ["PostgresStore"]

#: The advisory lock key serialising linking writers ("linker" in ASCII).
LOCK_KEY = 0x6C696E6B6572


class PostgresStore(LinkStore):
    """A :class:`LinkStore` in a PostgreSQL database given by a ``postgresql://`` URL."""

    types = {"serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "blob": "BYTEA", "real": "DOUBLE PRECISION"}
    backend = "postgresql"

    def __init__(self, url: str, connect_timeout_s: int = 10) -> None:
        self.url = url
        self._connect_timeout_s = connect_timeout_s
        self._sql_cache: dict[str, str] = {}
        super().__init__()

    def __repr__(self) -> str:
        return "PostgresStore(<url hidden>)"  # the URL may carry a password

    def _connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=self._connect_timeout_s)
        except psycopg.Error as exc:
            raise Unavailable("PostgreSQL store unreachable", reason="STORE_UNAVAILABLE") from exc

    def _begin_write(self, conn: Any) -> None:
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))

    def _translate(self, sql: str) -> str:
        out = self._sql_cache.get(sql)
        if out is None:
            out = self._sql_cache[sql] = sql.replace("%", "%%").replace("?", "%s")
        return out

    def _translate_error(self, exc: Exception) -> Exception | None:
        import psycopg

        if isinstance(exc, psycopg.OperationalError):
            return Unavailable("PostgreSQL store unavailable", reason="STORE_UNAVAILABLE")
        return None
