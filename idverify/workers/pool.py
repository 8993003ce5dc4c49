"""A process pool for CPU-bound jobs, with domain errors preserved and crash recovery.

Why processes: dlib and Tesseract hold the GIL while they compute, so threads give one core.
Why a ``ProcessPoolExecutor`` rather than grpc's multi-process SO_REUSEPORT pattern: one gRPC
server (one port, one health service, one set of rate limits and metrics) hands only the
CPU-heavy part to the pool, the pool is shared by every engine (faces, documents), and the
workers are started with ``spawn`` so no gRPC or thread state is forked.

Why ``nice``: the workers' jobs take seconds of CPU, the server's own calls (profile matching,
the linker's store reads) milliseconds. Run at a lower CPU priority, the workers get every core
the server does not need, and a cheap call (and the store's server process it waits on) gets the
CPU first instead of waiting behind a face comparison's time slices.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from idverify import errors
from idverify.errors import DeadlineExceeded, IdverifyError, Unavailable

__all__ = ["Initializer", "WorkerPool"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A picklable module-level function and its arguments, run once in every new worker process.
Initializer = tuple[Callable[..., None], tuple[Any, ...]]


class _Failure:
    """A domain error raised in a worker, carried back by value (exceptions with keyword-only
    arguments do not survive pickling with their reason and metadata)."""

    __slots__ = ("kind", "message", "reason", "metadata")

    def __init__(self, exc: IdverifyError) -> None:
        self.kind = type(exc).__name__
        self.message = exc.message
        self.reason = exc.reason
        self.metadata = dict(exc.metadata)

    def rebuild(self) -> IdverifyError:
        cls = getattr(errors, self.kind, None)
        if not (isinstance(cls, type) and issubclass(cls, IdverifyError)):
            cls = IdverifyError
        return cls(self.message, reason=self.reason, metadata=self.metadata)


def _initialize(nice: int, initializers: Sequence[Initializer]) -> None:
    if nice:
        os.nice(nice)  # first, so the models load at the lower priority too
    for function, args in initializers:
        function(*args)


def _invoke(function: Callable[..., T], args: tuple, kwargs: dict) -> T | _Failure:
    try:
        return function(*args, **kwargs)
    except IdverifyError as exc:
        return _Failure(exc)


def _ping(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


class WorkerPool:
    """``processes`` worker processes running module-level functions; see the package docstring.

    Thread-safe: many gRPC handler threads call :meth:`run` at once; calls beyond the number
    of processes wait in the pool's queue.
    """

    def __init__(
        self,
        processes: int,
        initializers: Sequence[Initializer] = (),
        *,
        start_method: str = "spawn",
        nice: int = 0,
    ) -> None:
        if processes < 1:
            raise ValueError("processes must be >= 1")
        if not 0 <= nice <= 19:
            raise ValueError("nice must be 0-19")
        self.processes = processes
        #: How much lower the workers' CPU priority is than this process's (added with os.nice).
        self.nice = nice
        self._initializers = tuple(initializers)
        self._context = multiprocessing.get_context(start_method)
        self._lock = threading.Lock()
        self._closed = False
        self._executor = self._new_executor()
        #: How many times a broken pool was replaced (for metrics and tests).
        self.rebuilds = 0

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=self._context,
            initializer=_initialize,
            initargs=(self.nice, self._initializers),
        )

    def warm_up(self, timeout: float = 120.0) -> list[int]:
        """Start every process and run its initializers now (at start-up, not on the first
        request); return the worker process ids."""
        executor = self._current()
        # Overlapping sleeps make the executor start one process per job.
        jobs = [executor.submit(_ping, 0.2) for _ in range(self.processes)]
        try:
            return sorted({job.result(timeout=timeout) for job in jobs})
        except BrokenProcessPool as exc:
            raise Unavailable("worker processes failed to start", reason="WORKERS_UNAVAILABLE") from exc

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (for diagnostics, metrics and tests)."""
        processes = getattr(self._current(), "_processes", None) or {}
        return sorted(processes)

    def submit(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future:
        """Queue ``function(*args, **kwargs)`` in a worker; the future's result may be a
        ``_Failure`` — use :meth:`run` unless you need the future itself."""
        executor = self._current()
        try:
            return executor.submit(_invoke, function, args, kwargs)
        except BrokenProcessPool as exc:
            self._replace(executor)
            raise Unavailable("a worker process died; retry", reason="WORKER_CRASHED") from exc
        except RuntimeError as exc:  # submit after shutdown
            raise Unavailable("the worker pool is shut down", reason="WORKERS_UNAVAILABLE") from exc

    def run(self, function: Callable[..., T], /, *args: Any, timeout: float | None = None, **kwargs: Any) -> T:
        """Run ``function(*args, **kwargs)`` in a worker and return its result.

        Domain errors raised by the job are re-raised here with their reason and metadata.
        Raises :class:`Unavailable` (WORKER_CRASHED) when the worker died, after replacing
        the pool, and :class:`DeadlineExceeded` when ``timeout`` seconds pass first.
        """
        executor = self._current()
        future = self.submit(function, *args, **kwargs)
        try:
            result = future.result(timeout=timeout)
        except FutureTimeout as exc:
            future.cancel()
            raise DeadlineExceeded(f"the job did not finish within {timeout:.1f} s") from exc
        except BrokenProcessPool as exc:
            self._replace(executor)
            raise Unavailable("a worker process died; retry", reason="WORKER_CRASHED") from exc
        if isinstance(result, _Failure):
            raise result.rebuild()
        return result

    def close(self) -> None:
        """Stop the workers (running jobs finish); safe to call twice."""
        with self._lock:
            self._closed = True
            executor = self._executor
        executor.shutdown(wait=True, cancel_futures=True)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise Unavailable("the worker pool is shut down", reason="WORKERS_UNAVAILABLE")
            return self._executor

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Swap in a fresh executor, once, however many callers saw the same breakage."""
        with self._lock:
            if self._closed or self._executor is not broken:
                return
            self._executor = self._new_executor()
            self.rebuilds += 1
        log.warning("a worker process died; the pool was rebuilt")
        broken.shutdown(wait=False, cancel_futures=True)
