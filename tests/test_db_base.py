"""The shared SQL plumbing: a store recovers by itself when its server comes back after an outage."""

from __future__ import annotations

import pytest

from idverify.errors import Unavailable
from idverify.reverify.store import open_reverify_store

pytest_plugins = ["tests.conftest_linker"]


@pytest.mark.postgres
def test_a_connection_lost_in_an_outage_is_replaced_on_the_same_thread(postgres_server):
    store = open_reverify_store(postgres_server.new_database())
    try:
        assert store.schema_versions()
        postgres_server.pause()
        try:
            with pytest.raises(Unavailable) as info:
                store.schema_versions()
            assert info.value.reason == "STORE_UNAVAILABLE"
        finally:
            postgres_server.resume()
        assert store.schema_versions()  # the same thread, a new connection
    finally:
        store.close()


@pytest.mark.postgres
def test_reads_in_an_outage_fail_at_once_and_work_as_soon_as_the_server_is_back(postgres_server):
    """The read pool's connections die with the server and it reconnects them in the background,
    with back-off: a read must not wait for that (the connect timeout, 10 s, each), neither
    while the server is down nor once it is back."""
    import time

    store = open_reverify_store(postgres_server.new_database())
    try:
        assert store.schema_versions()
        postgres_server.pause()
        try:
            for _ in range(3):
                started = time.monotonic()
                with pytest.raises(Unavailable):
                    store.schema_versions()
                assert time.monotonic() - started < 5
        finally:
            postgres_server.resume()
        started = time.monotonic()
        assert store.schema_versions()
        assert time.monotonic() - started < 5
    finally:
        store.close()


@pytest.mark.postgres
def test_a_read_after_close_says_the_store_is_closed_not_unavailable(postgres_server):
    """Unavailable is retryable (a client tries again later); a closed store stays closed."""
    store = open_reverify_store(postgres_server.new_database())
    store.close()
    with pytest.raises(RuntimeError, match="store is closed"):
        store.schema_versions()


@pytest.mark.postgres
def test_reads_from_many_threads_share_the_pool_of_open_connections(postgres_server):
    import threading

    import psycopg

    url = postgres_server.new_database()
    store = open_reverify_store(url)
    try:
        barrier = threading.Barrier(40)

        def read() -> None:
            barrier.wait()
            for _ in range(5):
                assert store.schema_versions()

        threads = [threading.Thread(target=read) for _ in range(40)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with psycopg.connect(url, autocommit=True) as conn:
            held = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND pid <> pg_backend_pid()").fetchone()[0]
        # the pool's connections and the one that ran the migrations; not one per thread
        assert held <= store.read_pool_max + 1
    finally:
        store.close()
