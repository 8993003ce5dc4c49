"""Store locations: which backend a location names, and how to write one into a log. Pure: no I/O.

A store location is either a PostgreSQL connection URI, in the two spellings libpq accepts
(``postgresql://`` and ``postgres://``), or anything else, which is an SQLite file path. The
SQLAlchemy spelling ``postgresql+psycopg://`` is not a PostgreSQL URL here: psycopg (libpq)
does not parse it, so accepting it would only move the failure to the first connection.
"""

from __future__ import annotations

import re

__all__ = ["POSTGRES_SCHEMES", "is_postgres_url", "redact_url"]

#: The URI prefixes libpq accepts (case-sensitive, as libpq compares them).
POSTGRES_SCHEMES: tuple[str, ...] = ("postgresql://", "postgres://")

_MASK = "***"
# ``password=...`` as a URI query parameter (``?password=s3cret``) or a libpq key/value pair.
_PASSWORD_PARAM = re.compile(r"(?i)(\bpassword=)[^&\s#]*")


def is_postgres_url(location: str) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` URL; anything else is an SQLite path."""
    return location.startswith(POSTGRES_SCHEMES)


def redact_url(location: str) -> str:
    """``location`` with every password replaced by ``***``, safe to log.

    Works on any ``scheme://user:password@host`` form, whatever the scheme (a mistyped scheme
    must not leak either), and on ``password=`` parameters. The user, host, port and database
    stay visible: they are what an operator needs to tell which store a process opened. A
    location with no password (an SQLite path) is returned unchanged.
    """
    scheme, sep, rest = location.partition("://")
    if sep and "@" in rest:
        # The userinfo ends at the last "@": a password may hold an unencoded "@" or "/".
        userinfo, _, host = rest.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        if colon:
            rest = f"{user}:{_MASK}@{host}"
        location = f"{scheme}{sep}{rest}"
    return _PASSWORD_PARAM.sub(rf"\g<1>{_MASK}", location)
