"""One adapter for an engine that runs in the worker pool, or in this process when there is none.

    spec = EngineSpec("faces.models", load_face_models, (settings,))
    runner = PooledEngine(spec, pool)                  # pool=None: built here, calls serialised
    data = runner.run(compare_job, ref, probe, timeout=5.0)   # compare_job(models, ref, probe)

A job is a module-level function whose first argument is the engine object. In a worker the
object is built once per process from the picklable :class:`EngineSpec` (eagerly by
:meth:`EngineSpec.initializer` at pool start-up); without a pool it is built once here, at
construction, and calls hold a lock, because dlib's networks and a Tesseract handle keep state
per object and are not safe to share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from idverify.workers.local import process_local
from idverify.workers.pool import Initializer, WorkerPool

__all__ = ["EngineSpec", "PooledEngine"]

E = TypeVar("E")
R = TypeVar("R")


@dataclass(frozen=True)
class EngineSpec(Generic[E]):
    """How to build an engine: a module-level ``factory(*args)``, both picklable."""

    #: Names the engine in the per-process cache (with ``args``, so settings never mix).
    name: str
    factory: Callable[..., E]
    args: tuple[Any, ...] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        """The per-process cache key."""
        return (self.name, self.args)

    def get(self) -> E:
        """This process's engine, built on first use."""
        return process_local(self.key, lambda: self.factory(*self.args))

    def initializer(self) -> Initializer:
        """The (function, args) pair a WorkerPool runs in each new worker to build the engine."""
        return (_preload, (self,))


def _preload(spec: EngineSpec) -> None:
    spec.get()


def _call(spec: EngineSpec, job: Callable[..., R], args: tuple[Any, ...]) -> R:
    return job(spec.get(), *args)


class PooledEngine(Generic[E]):
    """Runs jobs on an engine in ``pool``'s workers, or here under a lock without a pool."""

    def __init__(self, spec: EngineSpec[E], pool: WorkerPool | None = None) -> None:
        self.spec = spec
        self.pool = pool
        #: The in-process engine (None with a pool: each worker holds its own).
        self.local: E | None = None if pool is not None else spec.factory(*spec.args)
        self._lock = threading.Lock()

    def run(self, job: Callable[..., R], /, *args: Any, timeout: float | None = None) -> R:
        """``job(engine, *args)``; ``timeout`` in seconds bounds the wait for a worker
        (DeadlineExceeded); a dead worker gives Unavailable (see :meth:`WorkerPool.run`)."""
        if self.pool is None:
            with self._lock:
                return job(self.local, *args)
        return self.pool.run(_call, self.spec, job, args, timeout=timeout)
