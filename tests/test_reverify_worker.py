"""The re-verification worker on SQLite and PostgreSQL: exactly-once, retries, crashes, idempotence.

The checker here is a small deterministic function: these tests are about leasing, retrying
and recording, not about the checks themselves (tests/test_reverify_checks.py runs real ones).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from idverify.errors import InvalidInput, Unavailable
from idverify.reverify.schedule import DAY
from idverify.reverify.settings import ReverifySettings
from idverify.reverify.store import Result, open_reverify_store
from idverify.reverify.worker import Worker

pytest_plugins = ["tests.conftest_linker"]

REPO_ROOT = Path(__file__).resolve().parent.parent
S = ReverifySettings(batch_size=4, lease_seconds=60, max_attempts=3, backoff_base_seconds=10,
                     backoff_max_seconds=40)
T0 = 1_800_000_000.0
NOW = T0 + 400 * DAY
DOOMED_BATCH = 5  # batch size of tests/reverify_crash_worker.py


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


class Checker:
    """Approves, except for accounts named to fail (transiently or for good)."""

    def __init__(self, transient=(), permanent=()) -> None:
        self.transient, self.permanent = set(transient), set(permanent)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def check(self, lease, due):
        with self.lock:
            self.calls[lease.account_id] += 1
        if lease.account_id in self.transient:
            raise Unavailable("store down", reason="STORE_UNAVAILABLE")
        if lease.account_id in self.permanent:
            raise InvalidInput("stored evidence unreadable", reason="EVIDENCE_INVALID")
        assert "PERIODIC" in due
        return Result(decision=1, reasons=("OK",), document_expiry=None, declared=None, evidence=None)


def _seed(location: str, n: int) -> None:
    store = open_reverify_store(location)
    for i in range(n):
        store.record_verification(f"a{i:03d}", Result(1, ("OK",), None, b"d", b"e"), policy_version="p",
                                  model_version="m", settings=S, source="signup", now=T0)
    store.close()


def _reverify_count(location: str) -> Counter[str]:
    store = open_reverify_store(location)
    counts: Counter[str] = Counter()
    for i in range(1000):
        rows = store.history(f"a{i:03d}")
        if not rows:
            break
        counts[f"a{i:03d}"] = sum(1 for r in rows if r[5] == "reverify")
    store.close()
    return counts


@pytest.fixture
def make_worker():
    """Workers on their own store connections, all closed at the end of the test."""
    stores = []

    def make(location, checker, name, clock, concurrency=2):
        store = open_reverify_store(location)
        stores.append(store)
        return Worker(store, checker, S, policy_version="p", model_version="m", name=name,
                      concurrency=concurrency, clock=clock)

    yield make
    for store in stores:
        store.close()


def test_several_workers_process_every_due_account_exactly_once(store_url, make_worker):
    location = store_url
    _seed(location, 40)
    checker = Checker()
    workers = [make_worker(location, checker, f"w{i}", Clock(NOW)) for i in range(3)]
    threads = [threading.Thread(target=w.run_once) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(checker.calls.values()) == {1} and len(checker.calls) == 40
    assert set(_reverify_count(location).values()) == {1}
    again = make_worker(location, Checker(), "w-again", Clock(NOW)).run_once()
    assert again.processed == 0  # a second run finds nothing due


def test_transient_failures_are_retried_with_backoff_then_parked(store_url, make_worker):
    location = store_url
    _seed(location, 3)
    clock = Clock(NOW)
    checker = Checker(transient={"a000"}, permanent={"a001"})
    worker = make_worker(location, checker, "w", clock)
    stats = worker.run_once()
    assert (stats.processed, stats.retried, stats.failed) == (1, 1, 1)
    assert worker.run_once().processed == 0  # a000 waits for its backoff
    for _ in range(3):
        clock.t += 100
        worker.run_once()
    assert checker.calls["a000"] == S.max_attempts  # then it is parked
    assert checker.calls["a001"] == 1
    assert worker.backlog() == 0


def test_sigkilled_worker_loses_and_duplicates_nothing(store_url, make_worker):
    location = store_url
    _seed(location, 10)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen([sys.executable, str(REPO_ROOT / "tests" / "reverify_crash_worker.py"), location,
                             str(NOW)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "leased"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
    clock = Clock(NOW)
    survivor = make_worker(location, Checker(), "survivor", clock)
    first = survivor.run_once()
    assert first.processed == 10 - DOOMED_BATCH  # the dead worker's batch is still leased
    clock.t += S.lease_seconds + 1  # its lease expires
    second = survivor.run_once()
    assert second.processed == DOOMED_BATCH
    assert set(_reverify_count(location).values()) == {1} and len(_reverify_count(location)) == 10


@pytest.mark.parametrize("exc", [Unavailable("x"), TimeoutError(), ConnectionError()])
def test_transient_classification(exc):
    from idverify.reverify.worker import is_transient

    assert is_transient(exc)
    assert not is_transient(InvalidInput("x"))
