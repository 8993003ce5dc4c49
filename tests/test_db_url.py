"""Tests for idverify.db.url: the one parser of store locations, and passwords kept out of logs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.db.url import is_postgres_url, redact_url


@pytest.mark.parametrize(
    ("location", "postgres"),
    [("postgresql://u:p@db/idv", True), ("postgres://u:p@db/idv", True), ("postgresql:///idv", True),
     ("/var/lib/idverify/store.sqlite3", False), ("store.sqlite3", False), ("", False),
     ("postgresql+psycopg://u:p@db/idv", False),  # SQLAlchemy's spelling: libpq does not parse it
     ("sqlite:///x.db", False)],
)  # fmt: skip
def test_is_postgres_url(location: str, postgres: bool) -> None:
    assert is_postgres_url(location) is postgres


@pytest.mark.parametrize(
    ("location", "logged"),
    [("postgresql://idv:s3cret@db.internal:5432/idv", "postgresql://idv:***@db.internal:5432/idv"),
     ("postgres://idv:s3cret@db.internal/idv", "postgres://idv:***@db.internal/idv"),
     ("postgres://:s3cret@db/idv", "postgres://:***@db/idv"),
     ("postgres://idv:s3@c/ret@db/idv", "postgres://idv:***@db/idv"),  # unencoded @ and /
     ("postgresql://idv@db/idv?password=s3cret&sslmode=require",
      "postgresql://idv@db/idv?password=***&sslmode=require"),
     ("host=db user=idv password=s3cret", "host=db user=idv password=***"),
     ("postgresql+psycopg://idv:s3cret@db/idv", "postgresql+psycopg://idv:***@db/idv"),
     ("postgresql://idv@db/idv", "postgresql://idv@db/idv"),
     ("/var/lib/idverify/store.sqlite3", "/var/lib/idverify/store.sqlite3")],
)  # fmt: skip
def test_redact_url(location: str, logged: str) -> None:
    assert redact_url(location) == logged


@given(
    scheme=st.sampled_from(["postgresql", "postgres", "POSTGRES", "mysql"]),
    user=st.text(alphabet="abcdefgh_", max_size=8),
    password=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@/:?#%", min_size=6, max_size=20),
    host=st.sampled_from(["db", "127.0.0.1:5432", "[::1]:5432"]),
)
def test_no_password_survives_redaction(scheme: str, user: str, password: str, host: str) -> None:
    """Whatever the scheme or the characters of the password, the log shows *** in its place."""
    assert redact_url(f"{scheme}://{user}:{password}@{host}/idv") == f"{scheme}://{user}:***@{host}/idv"
