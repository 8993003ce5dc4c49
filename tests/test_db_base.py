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
