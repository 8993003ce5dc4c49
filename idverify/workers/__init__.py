"""Worker processes for CPU-bound work (dlib, Tesseract) that would otherwise hold the GIL.

    pool = WorkerPool(processes=2, initializers=[spec.initializer()])
    result = pool.run(job_function, arg1, arg2, timeout=5.0)

Job functions are plain module-level functions; heavy objects they need are built once per
process with :func:`process_local` (or eagerly by an initializer). An engine that runs in the
pool or, without one, in this process is wrapped once, by :class:`PooledEngine`. Domain errors raised in a
worker arrive in the caller unchanged (reason and metadata included); a crashed worker gives
:class:`~idverify.errors.Unavailable` and the pool is rebuilt for the next call.
"""

from idverify.workers.engine import EngineSpec, PooledEngine
from idverify.workers.local import process_local
from idverify.workers.pool import Initializer, WorkerPool

__all__ = ["EngineSpec", "Initializer", "PooledEngine", "WorkerPool", "process_local"]
