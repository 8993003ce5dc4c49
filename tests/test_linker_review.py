"""Review of the set-based batch path and the combined holder reads (linker.store.batch,
linker.store.holders, idverify.db's buffered inserts): cases where a read through them must
answer what the plain per-statement reads answer. Both backends."""

from __future__ import annotations

import pytest

from linker.engine import Linker, Registration
from linker.settings import LinkerSettings
from linker.v1 import linking_service_pb2 as pb

pytest_plugins = ["tests.conftest_linker"]

SETTINGS = LinkerSettings(enabled=True, hash_key="review-test-key-0123456789abcdef0123", seal_key="5ea1" * 16)


@pytest.fixture
def linker(store_url):
    linker = Linker.open(SETTINGS, store_url)
    yield linker
    linker.close()


def test_a_posted_detail_equal_to_an_own_strong_value_counts_its_holders_up_to_the_medium_cap(linker):
    """The account registered an e-mail that 24 others registered too, and posted it in a
    message: its posted-detail evidence is generic (more holders than the medium cap), as when
    the posted detail's holders are read alone, not cut at the strong cap of the same value."""
    email = pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value="shared@example.org")
    for i in range(24):
        linker.register(f"h-{i:02d}", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([email]))
    linker.register("p", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([email]))
    assert linker.post_details("p", linker.hasher.prepare_posted("EMAIL", "shared@example.org", "chat", 1.0))
    posted = [e.evidence for e in linker.check("p", 0, []).evidence
              if e.evidence.signal_type == pb.SIGNAL_TYPE_POSTED_DETAIL]
    assert posted and all(ev.generic for ev in posted)


def _after_erasures(url: str) -> tuple[Linker, pb.Signal]:
    """16 accounts share an e-mail; the first 4 are erased and the table vacuumed, so the rows
    the next registrations add reuse the freed space (before the older rows in index order)."""
    import psycopg

    linker = Linker.open(SETTINGS, url)
    email = pb.Signal(type=pb.SIGNAL_TYPE_EMAIL, value="many@example.org")
    for i in range(16):
        linker.register(f"o-{i:02d}", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([email]), now=1000.0 + i)
    for i in range(4):
        linker.delete(f"o-{i:02d}")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM link_signals")
    return linker, email


@pytest.mark.postgres
@pytest.mark.xfail(strict=True, reason="known: BatchReads puts the batch's holders after the stored ones; "
                   "PostgreSQL's LIMIT-ed holder read returns them in physical order (see the review report)")
def test_a_batch_names_the_same_holders_of_a_generic_value_as_one_by_one_after_erasures(postgres_server):
    linker, email = _after_erasures(postgres_server.new_database())
    try:
        one = [linker.register(f"b-{i}", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([email]), now=2000.0)
               for i in range(3)]
    finally:
        linker.close()
    linker, email = _after_erasures(postgres_server.new_database())
    try:
        many = linker.register_many([Registration(f"b-{i}", pb.ACCOUNT_KIND_FREELANCER, linker.prepare([email]))
                                     for i in range(3)], now=2000.0)
    finally:
        linker.close()
    assert [sorted(e.to_account_id for e in r.evidence) for r in many] == \
        [sorted(e.to_account_id for e in r.evidence) for r in one]
