"""The re-verification store on SQLite and PostgreSQL: recording, due queries, leases, exactly-once."""

from __future__ import annotations

import threading

import pytest

from idverify.reverify.schedule import DAY
from idverify.reverify.settings import ReverifySettings
from idverify.reverify.store import LeaseLost, Result, earlier_selfies, open_reverify_store, selfie_document_key

S = ReverifySettings(period_days=365, expiring_within_days=30)
T0 = 1_800_000_000.0
PV, MV = "policy-1", "model-1"


pytest_plugins = ["tests.conftest_linker"]


@pytest.fixture
def location(store_url):
    """Every test runs on SQLite and on a throwaway PostgreSQL."""
    return store_url


@pytest.fixture
def store(location):
    s = open_reverify_store(location)
    yield s
    s.close()


def _result(decision=1, expiry=None) -> Result:
    return Result(decision=decision, reasons=("OK",), document_expiry=expiry, declared=b"d", evidence=b"e")


def _seed(store, n, expiry_days=1000.0):
    for i in range(n):
        store.record_verification(f"acct-{i:03d}", _result(expiry=T0 + expiry_days * DAY), policy_version=PV,
                                  model_version=MV, settings=S, source="signup", now=T0)


def test_migrations_are_recorded_and_idempotent(location):
    a = open_reverify_store(location)
    assert a.schema_versions() == [1, 2, 3]
    a.close()
    b = open_reverify_store(location)
    assert b.schema_versions() == [1, 2, 3]
    b.close()


def test_nothing_due_right_after_verification(store):
    _seed(store, 3)
    assert store.due_count(PV, MV, now=T0 + DAY) == 0
    assert store.lease("w", 10, PV, MV, 60, now=T0 + DAY) == []


def test_period_expiry_policy_and_request_make_accounts_due(store):
    _seed(store, 4, expiry_days=100)
    assert store.due_count(PV, MV, now=T0 + 71 * DAY) == 4  # inside the 30-day expiry window
    assert store.due_count("policy-2", MV, now=T0 + DAY) == 4
    assert store.request_recheck("acct-001", now=T0 + 2)
    assert not store.request_recheck("never-verified", now=T0 + 2)
    assert store.due_count(PV, MV, now=T0 + 3) == 1


def test_leases_are_disjoint_and_complete_exactly_once(store):
    _seed(store, 10)
    now = T0 + 400 * DAY
    first = store.lease("w1", 6, PV, MV, 60, now=now)
    second = store.lease("w2", 6, PV, MV, 60, now=now)
    assert len(first) == 6 and len(second) == 4
    assert not {l.account_id for l in first} & {l.account_id for l in second}
    assert first[0].declared == b"d" and first[0].evidence == b"e"
    for lease in first + second:
        store.complete(lease, _result(), due_reasons=("PERIODIC",), policy_version=PV, model_version=MV,
                       settings=S, worker="w", now=now + 1)
    assert store.due_count(PV, MV, now=now + 2) == 0
    assert store.lease("w3", 10, PV, MV, 60, now=now + 2) == []  # a second run finds nothing
    assert [h[3] for h in store.history("acct-000")] == ["", "PERIODIC"]


def test_expired_lease_is_taken_over_and_the_late_worker_cannot_record(store):
    _seed(store, 1)
    now = T0 + 400 * DAY
    [stale] = store.lease("crashed", 1, PV, MV, 60, now=now)
    assert store.lease("other", 1, PV, MV, 60, now=now + 30) == []  # still leased
    [fresh] = store.lease("other", 1, PV, MV, 60, now=now + 61)
    with pytest.raises(LeaseLost):
        store.complete(stale, _result(), due_reasons=(), policy_version=PV, model_version=MV, settings=S,
                       worker="crashed", now=now + 62)
    store.complete(fresh, _result(), due_reasons=("PERIODIC",), policy_version=PV, model_version=MV, settings=S,
                   worker="other", now=now + 62)
    assert len(store.history("acct-000")) == 2  # the signup check and exactly one re-check


def test_transient_failure_retries_later_then_parks(store):
    _seed(store, 1)
    now = T0 + 400 * DAY
    [lease] = store.lease("w", 1, PV, MV, 60, now=now)
    store.fail(lease, retry_in=100, now=now)
    assert store.lease("w", 1, PV, MV, 60, now=now + 50) == []
    [lease] = store.lease("w", 1, PV, MV, 60, now=now + 101)
    assert lease.attempts == 1
    store.fail(lease, retry_in=None, now=now + 101)
    assert store.due_count(PV, MV, now=now + 10_000) == 0
    assert store.request_recheck("acct-000", now=now + 10_001)
    assert store.due_count(PV, MV, now=now + 10_002) == 1


def test_a_recheck_request_is_logged_with_its_reason_and_client(store):
    _seed(store, 1)
    assert store.request_recheck("acct-000", now=T0 + 5, reason="SUSPECTED_FRAUD", requested_by="t-and-s")
    assert not store.request_recheck("never-verified", now=T0 + 6, reason="OTHER", requested_by="t-and-s")
    assert store.recheck_requests("acct-000") == [(T0 + 5, "SUSPECTED_FRAUD", "t-and-s")]
    assert store.recheck_requests("never-verified") == []


def test_the_backlog_by_reason_counts_every_due_reason(store):
    _seed(store, 3, expiry_days=100)
    store.request_recheck("acct-001", now=T0 + 2)
    counts = store.due_by_reason(PV, MV, S, now=T0 + 3)
    assert counts["REQUESTED"] == 1 and sum(counts.values()) == 1
    assert set(counts) == {"DOCUMENT_EXPIRED", "DOCUMENT_EXPIRING", "REQUESTED", "NEW_LINK", "POLICY_CHANGED",
                           "MODEL_CHANGED", "PERIODIC"}
    counts = store.due_by_reason("policy-2", MV, S, now=T0 + 71 * DAY)
    assert counts["POLICY_CHANGED"] == 3 and counts["DOCUMENT_EXPIRING"] == 3 and counts["REQUESTED"] == 1


def test_retained_images_are_purged_by_age(store):
    store.retain_image("a", "profile", b"jpeg", now=T0)
    store.retain_image("b", "profile", b"jpeg", now=T0 + 10 * DAY)
    assert store.purge_images(older_than=T0 + 5 * DAY) == 1
    assert store.retained_images("a") == {}
    assert store.retained_images("b") == {"profile": b"jpeg"}


def test_verified_selfies_keep_the_newest_few_once_each_per_document(store):
    store.retain_image("a", "profile", b"today", now=T0)
    for i, selfie in enumerate((b"s1", b"s2", b"s1", b"s3", b"s4")):  # s1 twice: refreshed, not duplicated
        store.retain_verified_selfie("a", selfie, keep=3, document_key="k1", now=T0 + i)
    assert store.verified_selfies("a") == {"k1": [b"s4", b"s3", b"s1"]}  # s2, the oldest, was replaced
    store.retain_verified_selfie("a", b"s5", keep=2, document_key="k1", now=T0 + 9)  # keep lowered: the extra goes
    assert store.verified_selfies("a") == {"k1": [b"s5", b"s4"]}
    store.retain_verified_selfie("a", b"s6", keep=0, document_key="k1", now=T0 + 10)  # 0 keeps none
    assert store.verified_selfies("a") == {"k1": [b"s5", b"s4"]} and store.retained_images("a")["profile"] == b"today"
    # a selfie verified by another document is kept apart, and stands in for that document only
    store.retain_verified_selfie("a", b"t1", keep=2, document_key="k2", now=T0 + 11)
    assert store.verified_selfies("a") == {"k2": [b"t1"], "k1": [b"s5", b"s4"]}
    assert earlier_selfies(store.retained_images("a"), b"s5") == {"k1": [b"s4"], "k2": [b"t1"]}  # never the probe
    assert store.verified_selfies("b") == {}
    assert store.purge_images(older_than=T0 + 100) == 4
    assert store.verified_selfies("a") == {}


def test_a_selfie_is_keyed_by_the_document_that_verified_it():
    assert selfie_document_key("FRA", "X1234 567") == selfie_document_key(" fra", "x1234567")
    assert selfie_document_key("FRA", "X1234567") != selfie_document_key("FRA", "X1234568")
    assert selfie_document_key("FRA", "") is None and selfie_document_key("", "X1234567") is None


def test_erase_leaves_no_trace(store):
    _seed(store, 1)
    store.retain_image("acct-000", "profile", b"x", now=T0)
    store.request_recheck("acct-000", now=T0 + 1, reason="OTHER", requested_by="c")
    store.erase("acct-000")
    assert store.history("acct-000") == [] and store.retained_images("acct-000") == {}
    assert store.recheck_requests("acct-000") == []
    assert store.due_count("other-policy", MV, now=T0) == 0


def test_concurrent_workers_take_every_account_exactly_once(location):
    seed = open_reverify_store(location)
    _seed(seed, 60)
    seed.close()
    now = T0 + 400 * DAY
    done: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        store = open_reverify_store(location)
        try:
            while True:
                leases = store.lease(name, 5, PV, MV, 60, now=now)
                if not leases:
                    return
                for lease in leases:
                    store.complete(lease, _result(), due_reasons=("PERIODIC",), policy_version=PV,
                                   model_version=MV, settings=S, worker=name, now=now + 1)
                    with lock:
                        done.append(lease.account_id)
        finally:
            store.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(done) == [f"acct-{i:03d}" for i in range(60)]


def test_a_signup_is_recorded_once_however_often_it_is_sent(store):
    result = Result(decision=1, reasons=(), document_expiry=None, declared=b"d", evidence=b"e")
    first = store.record_signup("acct-s", result, request_sha256="ab" * 32, response=b"answer", policy_version=PV,
                                model_version=MV, settings=ReverifySettings(), now=T0)
    again = store.record_signup("acct-s", result, request_sha256="ab" * 32, response=b"other", policy_version=PV,
                                model_version=MV, settings=ReverifySettings(), now=T0 + 1)
    assert (first, again) == (True, False)
    assert store.signup_response("acct-s", "ab" * 32) == b"answer"
    assert len(store.history("acct-s")) == 1
