"""ReadDocument as a service object: the reader run in worker processes (or in-process).

Why: reading holds the GIL in Tesseract and dlib for most of a second, and dlib's face detector
is not safe to call from two threads at once (two concurrent ReadDocument calls on the gRPC
thread pool crashed the server). In the shared :class:`~idverify.workers.WorkerPool` each
process has its own reader, built once by :func:`preload_document_reader`, and reads one
document at a time; without a pool (tools, benchmarks) calls are serialised on a lock.
"""

from __future__ import annotations

import threading

from idverify.documents.reader import DocumentReader, build_document_reader, read_document
from idverify.documents.settings import DocumentSettings
from idverify.v1 import verification_service_pb2 as pb
from idverify.workers import WorkerPool, process_local

__all__ = ["DocumentService", "preload_document_reader", "read_job"]


def _reader(settings: DocumentSettings) -> DocumentReader:
    return process_local(("documents.reader", settings), lambda: build_document_reader(settings))


def preload_document_reader(settings: DocumentSettings) -> None:
    """Worker initializer: build Tesseract and the face detector before the first request."""
    _reader(settings)


def read_job(images: list[bytes], settings: DocumentSettings) -> bytes:
    """Run :func:`read_document` in a worker; return the serialized ReadDocumentResponse."""
    return read_document(images, _reader(settings)).SerializeToString()


class DocumentService:
    """Reads documents with engines built once; in worker processes when given a pool."""

    def __init__(self, settings: DocumentSettings, pool: WorkerPool | None = None) -> None:
        self.settings = settings
        self.pool = pool
        self._reader = None if pool is not None else build_document_reader(settings)
        self._lock = threading.Lock()

    @staticmethod
    def initializer(settings: DocumentSettings):
        """The (function, args) pair a shared WorkerPool runs in each new worker."""
        return (preload_document_reader, (settings,))

    def read(self, images: list[bytes], *, timeout: float | None = None) -> pb.ReadDocumentResponse:
        """Read a document from encoded images (front first); see :func:`read_document`.
        ``timeout`` in seconds bounds the wait for a worker (DeadlineExceeded past it)."""
        if self.pool is not None:
            return pb.ReadDocumentResponse.FromString(self.pool.run(read_job, list(images), self.settings,
                                                                    timeout=timeout))
        with self._lock:
            return read_document(images, self._reader)

    def close(self) -> None:
        """Release the in-process reader's Tesseract engine (worker readers die with the pool)."""
        if self._reader is not None:
            self._reader.engine.close()
