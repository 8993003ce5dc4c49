"""Shared fixtures for the linker tests: a session-scoped throwaway PostgreSQL server and a
``store_url`` fixture parametrised over both backends (every store test runs on SQLite and on
PostgreSQL). Loaded with ``pytest_plugins = ["tests.conftest_linker"]`` from the test modules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import ThrowawayPostgres, in_ci, start_or_skip


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL server for the whole session; skips locally, and fails under ``CI=true``,
    when the binaries are absent or the server does not start."""
    server = start_or_skip(in_ci())
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty store location for each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "linker.sqlite3")
    return request.getfixturevalue("postgres_server").new_database()
