"""Worker processes for CPU-bound work (dlib, Tesseract) that would otherwise hold the GIL.

    pool = WorkerPool(processes=2, initializers=[(preload_face_models, (settings,))])
    result = pool.run(job_function, arg1, arg2, timeout=5.0)

Job functions are plain module-level functions; heavy objects they need are built once per
process with :func:`process_local` (or eagerly by an initializer). Domain errors raised in a
worker arrive in the caller unchanged (reason and metadata included); a crashed worker gives
:class:`~idverify.errors.Unavailable` and the pool is rebuilt for the next call.
"""

from idverify.workers.local import process_local
from idverify.workers.pool import WorkerPool

__all__ = ["WorkerPool", "process_local"]
