"""Shared fixtures for the linker tests: a session-scoped throwaway PostgreSQL server and a
``store_url`` fixture parametrised over both backends (every store test runs on SQLite and on
PostgreSQL). Loaded with ``pytest_plugins = ["tests.conftest_linker"]`` from the test modules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import ThrowawayPostgres, find_bin_dir


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """A PostgreSQL server for the whole session; skips when the binaries are absent."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt install postgresql)")
    server = ThrowawayPostgres(bin_dir)
    try:
        server.start()
    except Exception as exc:  # a broken install should skip, with the reason, not error
        server.stop()
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty store location for each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "linker.sqlite3")
    return request.getfixturevalue("postgres_server").new_database()
