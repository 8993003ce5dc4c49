"""The benchmark's prefill (``bench_linker.py --prefill``, :meth:`LinkStore.load_singletons`:
``COPY`` on PostgreSQL) writes the rows registration writes for an account that is its own
person, so a store filled in minutes answers CheckAccount as one filled through the engine."""

from __future__ import annotations

import collections
import os
from concurrent.futures.process import BrokenProcessPool

import pytest

from benchmarks import bench_linker
from linker.engine import Linker
from linker.persons import new_person_id
from linker.sealing import Sealer
from linker.settings import LinkerSettings
from linker.signals import SignalHasher
from linker.store import open_store

pytest_plugins = ["tests.conftest_linker"]

N = 120


def _linker(location: str) -> Linker:
    # The benchmark's keys: its prefill hashes and seals with them.
    return Linker(open_store(location), SignalHasher(bytes(32)), LinkerSettings(hash_key="0" * 64),
                  sealer=Sealer(bytes(range(32))))


def _rows(linker: Linker) -> dict[str, object]:
    """What the two stores must agree on, without random refs, ids and times."""
    dump = linker.store.dump()
    seq = {r[1]: r[0] for r in dump["link_accounts"]}
    return {
        "accounts": sorted((r[1], r[2], r[3]) for r in dump["link_accounts"]),
        "order": sorted(seq, key=seq.__getitem__),
        "signals": sorted((r[0], r[1], bytes(r[2])) for r in dump["link_signals"]),
        "sealed": sorted((r.account_id, r.type, r.digest, linker._open(r)) for r in linker.store.sealed_of(seq)),
        "fuzzy_keys": sorted((bytes(r[0]), r[1]) for r in dump["link_fuzzy_keys"]),
        "fuzzy_counts": sorted((bytes(r[0]), int(r[1])) for r in dump["link_fuzzy_counts"]),
        "faces": sorted((r[1], bytes(r[2])) for r in dump["link_faces"]),
        # One register event per account (links made by the engine add link events).
        "events": collections.Counter(r[2] for r in dump["link_events"])["register"],
    }


def test_prefill_stores_what_registration_stores(store_url, tmp_path):
    stream, _ = bench_linker.generate(N + 100, seed=7)
    bulk = _linker(store_url)
    bench_linker.prefill(bulk.store, bulk.hasher, stream[:N], bulk.sealer, chunk=64)
    engine = _linker(str(tmp_path / "engine.sqlite3"))
    for acc in stream[:N]:
        engine.register(acc.account_id, acc.kind, engine.prepare(bench_linker.messages(acc.signals)), acc.owner,
                        now=1.0)
    try:
        assert _rows(bulk) == _rows(engine)
        assert bulk.store.schema_versions() == engine.store.schema_versions()
        # Every prefilled account is its own person, named as registration names a new one;
        # where the engine found no joining evidence it made the same person.
        seqs = {a: r.seq for a, r in bulk.store.accounts(a.account_id for a in stream[:N]).items()}
        bulk_persons = bulk.store.persons_of(seqs)
        assert bulk_persons == {a: new_person_id(s) for a, s in seqs.items()}
        engine_persons = engine.store.persons_of(seqs)
        alone = [a for a in seqs if engine_persons[a] == new_person_id(seqs[a])
                 and engine.store.members([engine_persons[a]])[engine_persons[a]] == [a]]
        assert len(alone) > N // 2
        # CheckAccount: a new account presenting a stored account's signals finds it, on the
        # bulk-loaded store as on the engine's (where the account is alone in its person).
        found = 0
        for acc in stream[:N]:
            if acc.account_id not in alone[: N // 4]:
                continue
            signals = bench_linker.messages(acc.signals)
            got, want = (lk.check("", acc.kind, lk.prepare(signals), acc.owner) for lk in (bulk, engine))
            assert acc.account_id in {e.to_account_id for e in got.evidence}
            assert (got.decision, sorted({e.to_account_id for e in got.evidence})) == \
                (want.decision, sorted({e.to_account_id for e in want.evidence}))
            found += 1
        assert found >= N // 8
    finally:
        bulk.close()
        engine.close()


def test_load_singletons_needs_an_empty_store(store_url):
    stream, _ = bench_linker.generate(10, seed=7)
    lk = _linker(store_url)
    try:
        bench_linker.prefill(lk.store, lk.hasher, stream[:5], lk.sealer)
        with pytest.raises(ValueError, match="empty store"):
            bench_linker.prefill(lk.store, lk.hasher, stream[5:], lk.sealer)
        assert lk.store.account_count() == 5
    finally:
        lk.close()


_SINGLETONS = bench_linker._singletons


def _dies_on_second_chunk(span: tuple[int, int]) -> list:
    if span[0] > 0:
        os._exit(9)  # as a worker killed for memory ends: no exception, no result
    return _SINGLETONS(span)


def test_prefill_with_workers_stores_what_one_process_stores(tmp_path):
    stream, _ = bench_linker.generate(40, seed=7)
    one, two = (_linker(str(tmp_path / f"{name}.sqlite3")) for name in ("one", "two"))
    try:
        bench_linker.prefill(one.store, one.hasher, stream, one.sealer, chunk=8)
        bench_linker.prefill(two.store, two.hasher, stream, two.sealer, chunk=8, workers=2)
        assert _rows(two) == _rows(one)
    finally:
        one.close()
        two.close()


def test_prefill_fails_when_a_worker_dies_instead_of_waiting(tmp_path, monkeypatch):
    stream, _ = bench_linker.generate(40, seed=7)
    lk = _linker(str(tmp_path / "store.sqlite3"))
    monkeypatch.setattr(bench_linker, "_singletons", _dies_on_second_chunk)
    try:
        with pytest.raises(BrokenProcessPool):
            bench_linker.prefill(lk.store, lk.hasher, stream, lk.sealer, chunk=8, workers=2)
        assert lk.store.account_count() == 0  # the load's one transaction rolled back
    finally:
        lk.close()
