"""SQL storage plumbing shared by every store: one abstract base, an SQLite and a PostgreSQL backend.

A store (the linker's, the re-verification history) subclasses :class:`Database` with its SQL
written once in portable form (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``, type
placeholders ``{serial}``, ``{blob}``, ``{real}`` in migrations) and its migrations; a backend
mixin (:class:`SqliteBackend`, :class:`PostgresBackend`) supplies the connection, the write
transaction, the placeholder style and error translation. :mod:`idverify.db.url` is the one
parser of store locations: :func:`is_postgres_url` tells which backend a location names and
:func:`redact_url` hides its password for logs.
"""

from idverify.db.base import Database, Migration
from idverify.db.postgres import PostgresBackend
from idverify.db.sqlite import SqliteBackend
from idverify.db.url import is_postgres_url, redact_url

__all__ = ["Database", "Migration", "PostgresBackend", "SqliteBackend", "is_postgres_url", "redact_url"]
