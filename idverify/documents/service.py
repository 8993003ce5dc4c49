"""ReadDocument as a service object: the reader run in worker processes (or in-process).

Why: reading holds the GIL in Tesseract and dlib for most of a second, and dlib's face detector
is not safe to call from two threads at once (two concurrent ReadDocument calls on the gRPC
thread pool crashed the server). In the shared :class:`~idverify.workers.WorkerPool` each
process has its own reader, built once at pool start-up, and reads one document at a time;
without a pool (tools, benchmarks) calls are serialised on a lock (one adapter for both:
:class:`~idverify.workers.PooledEngine`).
"""

from __future__ import annotations

from idverify.documents.reader import DocumentReader, build_document_reader, read_document
from idverify.documents.settings import DocumentSettings
from idverify.v1 import verification_service_pb2 as pb
from idverify.workers import EngineSpec, Initializer, PooledEngine, WorkerPool

__all__ = ["DocumentService", "read_job"]


def _spec(settings: DocumentSettings) -> EngineSpec[DocumentReader]:
    return EngineSpec("documents.reader", build_document_reader, (settings,))


def read_job(reader: DocumentReader, images: list[bytes]) -> bytes:
    """Run :func:`read_document` with ``reader``; return the serialized ReadDocumentResponse."""
    return read_document(images, reader).SerializeToString()


class DocumentService:
    """Reads documents with engines built once; in worker processes when given a pool."""

    def __init__(self, settings: DocumentSettings, pool: WorkerPool | None = None) -> None:
        self.settings = settings
        self._engine = PooledEngine(_spec(settings), pool)

    @property
    def pool(self) -> WorkerPool | None:
        """The worker pool the reads run in, or None (in-process)."""
        return self._engine.pool

    @staticmethod
    def initializer(settings: DocumentSettings) -> Initializer:
        """The (function, args) pair a shared WorkerPool runs in each new worker."""
        return _spec(settings).initializer()

    def read(self, images: list[bytes], *, timeout: float | None = None) -> pb.ReadDocumentResponse:
        """Read a document from encoded images (front first); see :func:`read_document`.
        ``timeout`` in seconds bounds the wait for a worker (DeadlineExceeded past it)."""
        return pb.ReadDocumentResponse.FromString(self._engine.run(read_job, list(images), timeout=timeout))

    def close(self) -> None:
        """Release the in-process reader's Tesseract engine (worker readers die with the pool)."""
        if self._engine.local is not None:
            self._engine.local.engine.close()
