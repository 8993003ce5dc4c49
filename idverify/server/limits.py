"""Bounded work: a concurrency limit with a bounded queue, per-client rate limits, deadlines.

:class:`Admission` lets ``max_concurrent_calls`` calls run; up to ``max_queued_calls`` more wait
(no longer than their deadline or ``queue_timeout_seconds``); beyond that a call is refused at
once with RESOURCE_EXHAUSTED / ``QUEUE_FULL``, so an overloaded server sheds load instead of
building an unbounded backlog. :class:`RateLimiter` gives each client a token bucket
(``rate_per_client`` calls per second, ``burst`` at once): RESOURCE_EXHAUSTED / ``RATE_LIMITED``.
A call whose deadline has already passed is not started (DEADLINE_EXCEEDED). Health checks and
reflection are never limited.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from idverify.config.transport import LimitSettings
from idverify.errors import DeadlineExceeded, ResourceExhausted
from idverify.server.calls import CallInfo, is_open_method

__all__ = ["Admission", "RateLimiter", "check_deadline"]


def check_deadline(call: CallInfo) -> None:
    """Raise DeadlineExceeded when the caller's deadline has passed."""
    remaining = call.context.time_remaining()
    if remaining is not None and remaining <= 0:
        raise DeadlineExceeded("the call's deadline passed before its work started",
                               reason="DEADLINE_PASSED")


class Admission:
    """A call guard bounding running and waiting calls (see the module docstring)."""

    def __init__(self, settings: LimitSettings, on_change: Callable[[int, int], None] | None = None) -> None:
        self._settings = settings
        self._cond = threading.Condition()
        self._running = 0
        self._waiting = 0
        self._on_change = on_change or (lambda running, waiting: None)

    @property
    def running(self) -> int:
        """Calls running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Calls waiting for a slot now."""
        return self._waiting

    @contextlib.contextmanager
    def __call__(self, call: CallInfo) -> Iterator[None]:
        if is_open_method(call.method):
            yield
            return
        check_deadline(call)
        self._acquire(call)
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify()
                self._on_change(self._running, self._waiting)

    def _acquire(self, call: CallInfo) -> None:
        s = self._settings
        with self._cond:
            if self._running < s.max_concurrent_calls and self._waiting == 0:
                self._running += 1
                self._on_change(self._running, self._waiting)
                return
            if self._waiting >= s.max_queued_calls:
                raise ResourceExhausted(
                    f"the server is at capacity ({s.max_concurrent_calls} running, "
                    f"{s.max_queued_calls} queued); retry with backoff", reason="QUEUE_FULL")
            remaining = call.context.time_remaining()
            limit = s.queue_timeout_seconds if remaining is None else min(remaining, s.queue_timeout_seconds)
            deadline = time.monotonic() + limit
            self._waiting += 1
            self._on_change(self._running, self._waiting)
            try:
                while self._running >= s.max_concurrent_calls:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        if remaining is not None and remaining <= s.queue_timeout_seconds:
                            raise DeadlineExceeded("the deadline passed while the call was queued",
                                                   reason="DEADLINE_PASSED_IN_QUEUE")
                        raise ResourceExhausted("no slot became free in time; retry with backoff",
                                                reason="QUEUE_TIMEOUT")
                    self._cond.wait(left)
                self._running += 1
            finally:
                self._waiting -= 1
                self._on_change(self._running, self._waiting)


class RateLimiter:
    """A call guard: one token bucket per client id."""

    def __init__(self, settings: LimitSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = settings.rate_per_client
        self._burst = float(settings.burst)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    @contextlib.contextmanager
    def __call__(self, call: CallInfo) -> Iterator[None]:
        if self._rate > 0 and not is_open_method(call.method):
            self.take(call.client_id)
        yield

    def take(self, client_id: str) -> None:
        """Spend one token of ``client_id``'s bucket or raise RESOURCE_EXHAUSTED."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(client_id, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens < 1:
                self._buckets[client_id] = (tokens, now)
                wait = (1 - tokens) / self._rate
                raise ResourceExhausted(f"rate limit of {self._rate:g} calls/s exceeded; retry in {wait:.2f} s",
                                        reason="RATE_LIMITED", metadata={"retry_after_seconds": f"{wait:.2f}"})
            self._buckets[client_id] = (tokens - 1, now)
