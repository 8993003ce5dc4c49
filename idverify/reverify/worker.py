"""The re-verification worker: lease due accounts, re-check them, record results, release.

One :class:`Worker` loops: lease a batch from the shared store, run the checks of each leased
account on ``concurrency`` threads (the heavy work runs in the server's or this process's worker
processes), record each result while the lease is held, retry transient failures later with
exponential backoff, and park an account whose failures are permanent or too many. Several
workers on several machines share the store: leases keep them apart, and the lease of a worker
that dies (SIGKILL, power loss) expires, so another worker takes the account over; the dead
worker's late result, if any, is refused (:class:`~idverify.reverify.store.LeaseLost`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from idverify.errors import DeadlineExceeded, IdverifyError, ResourceExhausted, Unavailable
from idverify.reverify.schedule import backoff_seconds, due_reasons
from idverify.reverify.settings import ReverifySettings
from idverify.reverify.store import Lease, LeaseLost, Result, ReverifyStore

__all__ = ["Checker", "RunStats", "Worker", "is_transient"]

log = logging.getLogger(__name__)

_TRANSIENT = (Unavailable, DeadlineExceeded, ResourceExhausted, TimeoutError, ConnectionError)


def is_transient(exc: BaseException) -> bool:
    """True for failures worth retrying: a dependency down, a deadline, load shedding."""
    return isinstance(exc, _TRANSIENT)


class Checker(Protocol):
    """Re-runs the checks of one leased account."""

    def check(self, lease: Lease, due: tuple[str, ...]) -> Result:
        """The account's new result; raises on failure (transient ones are retried)."""


@dataclass
class RunStats:
    """What one run did."""

    processed: int = 0
    failed: int = 0
    retried: int = 0
    lost_leases: int = 0
    decisions: dict[int, int] = field(default_factory=dict)

    def add(self, other: RunStats) -> None:
        """Add another run's counts to this one."""
        self.processed += other.processed
        self.failed += other.failed
        self.retried += other.retried
        self.lost_leases += other.lost_leases
        for k, v in other.decisions.items():
            self.decisions[k] = self.decisions.get(k, 0) + v


class Worker:
    """Leases, checks and records (see the module docstring)."""

    def __init__(self, store: ReverifyStore, checker: Checker, settings: ReverifySettings, *,
                 policy_version: str, model_version: str, name: str, concurrency: int = 1,
                 on_result: Callable[[str, Result | None, BaseException | None], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._checker = checker
        self._settings = settings
        self._policy_version = policy_version
        self._model_version = model_version
        self.name = name
        self._concurrency = max(1, concurrency)
        self._on_result = on_result or (lambda account_id, result, error: None)
        self._clock = clock

    def backlog(self) -> int:
        """How many accounts are due now."""
        return self._store.due_count(self._policy_version, self._model_version, now=self._clock())

    def run_once(self, stop: threading.Event | None = None) -> RunStats:
        """Process due accounts until none is left (or ``stop`` is set); purge old images."""
        stats = RunStats()
        if self._settings.retain_images:
            purged = self._store.purge_images(self._clock() - self._settings.image_retention_days * 86_400)
            if purged:
                log.info("purged retained images", extra={"count": purged, "worker": self.name})
        with ThreadPoolExecutor(self._concurrency, thread_name_prefix=f"reverify-{self.name}") as pool:
            while stop is None or not stop.is_set():
                leases = self._store.lease(self.name, self._settings.batch_size, self._policy_version,
                                           self._model_version, self._settings.lease_seconds, now=self._clock())
                if not leases:
                    break
                for batch_stats in pool.map(self._process, leases):
                    stats.add(batch_stats)
        return stats

    def run_forever(self, stop: threading.Event) -> RunStats:
        """Run until ``stop`` is set, sleeping ``poll_interval_seconds`` when nothing is due."""
        total = RunStats()
        while not stop.is_set():
            total.add(self.run_once(stop))
            stop.wait(self._settings.poll_interval_seconds)
        return total

    def _process(self, lease: Lease) -> RunStats:
        stats = RunStats()
        now = self._clock()
        due = due_reasons(lease.state, now, self._policy_version, self._model_version, self._settings)
        try:
            result = self._checker.check(lease, due)
        except BaseException as exc:  # every failure is recorded; nothing escapes the worker
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            return self._failed(lease, exc, stats)
        try:
            self._store.complete(lease, result, due_reasons=due, policy_version=self._policy_version,
                                 model_version=self._model_version, settings=self._settings, worker=self.name,
                                 now=self._clock())
        except LeaseLost:
            stats.lost_leases += 1
            log.warning("lease lost before the result was recorded", extra={"worker": self.name})
            return stats
        stats.processed += 1
        stats.decisions[result.decision] = stats.decisions.get(result.decision, 0) + 1
        self._on_result(lease.account_id, result, None)
        return stats

    def _failed(self, lease: Lease, exc: BaseException, stats: RunStats) -> RunStats:
        transient = is_transient(exc)
        attempt = lease.attempts + 1
        retry_in = backoff_seconds(attempt, self._settings) if transient and attempt < self._settings.max_attempts \
            else None
        reason = exc.reason if isinstance(exc, IdverifyError) else type(exc).__name__
        log.warning("re-check failed", extra={"worker": self.name, "reason": reason, "attempt": attempt,
                                             "retry_in_s": retry_in})
        try:
            self._store.fail(lease, retry_in=retry_in, now=self._clock())
        except LeaseLost:
            stats.lost_leases += 1
            return stats
        if retry_in is None:
            stats.failed += 1
        else:
            stats.retried += 1
        self._on_result(lease.account_id, None, exc)
        return stats
