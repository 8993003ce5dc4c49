"""Bounded work: concurrency limits with bounded queues per call class, rate limits, deadlines.

:class:`Admission` keeps two sets of slots, one per call class (:mod:`idverify.server.call_classes`):
heavy calls (faces, documents, signups, registrations carrying a photo) and light ones (profile
matching and the linker's lookups). In each class ``max_concurrent_*`` calls run and up to
``max_queued_*`` more wait (no longer than their deadline or ``queue_timeout_seconds``); beyond
that a call is refused at once with RESOURCE_EXHAUSTED / ``QUEUE_FULL`` and the class in the
error's ``call_class`` metadata, so an overloaded server sheds load instead of building an
unbounded backlog, and a light call never waits for a slot a heavy one holds.
:class:`RateLimiter` gives each client a token bucket (``rate_per_client`` calls per second,
``burst`` at once): RESOURCE_EXHAUSTED / ``RATE_LIMITED``. A call whose deadline has already
passed is not started (DEADLINE_EXCEEDED). Health checks and reflection are never limited.
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from idverify.config.transport import LimitSettings
from idverify.errors import DeadlineExceeded, ResourceExhausted
from idverify.server.call_classes import HEAVY, LIGHT, call_class
from idverify.server.calls import CallInfo, is_open_method

__all__ = ["Admission", "REFUSAL_REASONS", "RateLimiter", "Slots", "check_deadline"]

#: The reasons admission refuses a call with (RESOURCE_EXHAUSTED or DEADLINE_EXCEEDED).
REFUSAL_REASONS = ("QUEUE_FULL", "QUEUE_TIMEOUT", "DEADLINE_PASSED_IN_QUEUE")


def check_deadline(call: CallInfo) -> None:
    """Raise DeadlineExceeded when the caller's deadline has passed."""
    remaining = call.context.time_remaining()
    if remaining is not None and remaining <= 0:
        raise DeadlineExceeded("the call's deadline passed before its work started",
                               reason="DEADLINE_PASSED")


class Slots:
    """``max_running`` slots with a queue of at most ``max_queued`` callers, for one call class."""

    def __init__(self, call_class: str, max_running: int, max_queued: int, queue_timeout_seconds: float,
                 on_change: Callable[[str, int, int], None] | None = None,
                 on_refused: Callable[[str, str], None] | None = None) -> None:
        self.call_class = call_class
        self.max_running = max_running
        self.max_queued = max_queued
        self._queue_timeout = queue_timeout_seconds
        self._cond = threading.Condition()
        self._running = 0  # slots taken, those handed to a queued caller not yet awake included
        #: The queued callers, oldest first: one cell each, set when a finished call hands it its slot.
        self._queue: collections.deque[list[bool]] = collections.deque()
        self._on_change = on_change or (lambda call_class, running, waiting: None)
        self._on_refused = on_refused or (lambda call_class, reason: None)
        self._changed()

    @property
    def running(self) -> int:
        """Calls of this class running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Calls of this class waiting for a slot now."""
        return len(self._queue)

    @contextlib.contextmanager
    def hold(self, call: CallInfo) -> Iterator[None]:
        """Hold a slot around the call; wait for one or raise RESOURCE_EXHAUSTED/DEADLINE_EXCEEDED."""
        self._acquire(call)
        try:
            yield
        finally:
            with self._cond:
                self._hand_on()
                self._changed()

    def _hand_on(self) -> None:
        """Give a finished call's slot to the oldest queued caller, or free it. Handed on, it
        counts as taken at once: a caller arriving before that one wakes finds the queue one
        shorter, never a full queue beside a free slot. The caller holds ``_cond``."""
        if self._queue:
            self._queue.popleft()[0] = True
            self._cond.notify_all()
        else:
            self._running -= 1

    def _changed(self) -> None:
        self._on_change(self.call_class, self._running, len(self._queue))

    def _acquire(self, call: CallInfo) -> None:
        try:
            self._wait_for_slot(call)
        except (ResourceExhausted, DeadlineExceeded) as exc:
            self._on_refused(self.call_class, exc.reason)
            raise

    def _wait_for_slot(self, call: CallInfo) -> None:
        metadata = {"call_class": self.call_class}
        with self._cond:
            if self._running < self.max_running and not self._queue:
                self._running += 1
                self._changed()
                return
            if len(self._queue) >= self.max_queued:
                raise ResourceExhausted(
                    f"the server is at capacity for {self.call_class} calls ({self.max_running} running, "
                    f"{self.max_queued} queued); retry with backoff", reason="QUEUE_FULL", metadata=metadata)
            remaining = call.context.time_remaining()
            limit = self._queue_timeout if remaining is None else min(remaining, self._queue_timeout)
            deadline = time.monotonic() + limit
            cell = [False]
            self._queue.append(cell)
            self._changed()
            try:
                while not cell[0]:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        if remaining is not None and remaining <= self._queue_timeout:
                            raise DeadlineExceeded("the deadline passed while the call was queued",
                                                   reason="DEADLINE_PASSED_IN_QUEUE", metadata=metadata)
                        raise ResourceExhausted(f"no slot for a {self.call_class} call became free in time; "
                                                "retry with backoff", reason="QUEUE_TIMEOUT", metadata=metadata)
                    self._cond.wait(left)
            except BaseException:
                if cell[0]:  # handed a slot as it gave up (an interrupt in the wait): pass it on
                    self._hand_on()
                else:
                    self._queue.remove(cell)
                raise
            finally:
                self._changed()


class Admission:
    """A call guard admitting each call through its class's :class:`Slots` (module docstring).

    ``on_change(call_class, running, waiting)`` is told every change and
    ``on_refused(call_class, reason)`` every call refused for want of a slot, for the metrics.
    """

    def __init__(self, settings: LimitSettings, on_change: Callable[[str, int, int], None] | None = None,
                 on_refused: Callable[[str, str], None] | None = None) -> None:
        timeout = settings.queue_timeout_seconds
        self.classes = {
            HEAVY: Slots(HEAVY, settings.max_concurrent_calls, settings.max_queued_calls, timeout,
                         on_change, on_refused),
            LIGHT: Slots(LIGHT, settings.max_concurrent_light_calls, settings.max_queued_light_calls, timeout,
                         on_change, on_refused),
        }

    @property
    def running(self) -> int:
        """Calls running now, every class."""
        return sum(s.running for s in self.classes.values())

    @property
    def waiting(self) -> int:
        """Calls waiting for a slot now, every class."""
        return sum(s.waiting for s in self.classes.values())

    @contextlib.contextmanager
    def __call__(self, call: CallInfo) -> Iterator[None]:
        if is_open_method(call.method):
            yield
            return
        check_deadline(call)
        with self.classes[call_class(call.rpc, call.request)].hold(call):
            yield


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
