"""CompareFaces as a service object: the pipeline run in worker processes (or in-process).

The servicer calls :meth:`FaceService.compare`. With a :class:`~idverify.workers.WorkerPool`
the job (decode included: it is CPU work too) runs in a worker whose models were loaded once
by :func:`preload_face_models`; without one it runs in the calling thread with models loaded
at construction (tools, benchmarks, single-process deployments).
"""

from __future__ import annotations

import threading
import time

from idverify.errors import InvalidInput
from idverify.faces.models import FaceModels, load_face_models
from idverify.faces.pipeline import compare_faces
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings
from idverify.v1 import verification_service_pb2 as pb
from idverify.workers import WorkerPool, process_local

__all__ = ["FaceService", "compare_job", "preload_face_models"]


def _models(settings: FaceSettings) -> FaceModels:
    return process_local(("faces.models", settings), lambda: load_face_models(settings))


def preload_face_models(settings: FaceSettings) -> None:
    """Worker initializer: load the face models into this process before the first request."""
    _models(settings)


def compare_job(
    reference: bytes,
    probe: bytes,
    reference_kind: int,
    settings: FaceSettings,
    image_settings: ImageSettings,
) -> bytes:
    """Run :func:`compare_faces` in a worker; return the serialized CompareFacesResponse."""
    response = compare_faces(
        reference, probe, reference_kind, models=_models(settings), settings=settings, image_settings=image_settings
    )
    return response.SerializeToString()


class FaceService:
    """Compares faces with models built once; in worker processes when given a pool."""

    def __init__(
        self,
        settings: FaceSettings,
        image_settings: ImageSettings,
        pool: WorkerPool | None = None,
    ) -> None:
        self.settings = settings
        self.image_settings = image_settings
        self.pool = pool
        # In-process mode loads the models here, at start-up, never on a request.
        self._models = None if pool is not None else load_face_models(settings)
        # dlib's DNN keeps its activations in the network object: one comparison at a time
        # per model set (worker processes each have their own).
        self._lock = threading.Lock()

    @staticmethod
    def initializer(settings: FaceSettings):
        """The (function, args) pair a shared WorkerPool runs in each new worker."""
        return (preload_face_models, (settings,))

    def compare(
        self,
        reference: bytes,
        probe: bytes,
        reference_kind: int = pb.REFERENCE_KIND_UNSPECIFIED,
        *,
        timeout: float | None = None,
    ) -> pb.CompareFacesResponse:
        """Compare ``reference`` with ``probe`` (encoded image bytes); see
        :func:`idverify.faces.pipeline.compare_faces`. ``timeout`` in seconds bounds the wait
        for a worker (DeadlineExceeded); a dead worker gives Unavailable."""
        if reference_kind not in pb.ReferenceKind.values():
            raise InvalidInput(
                f"unknown reference_kind {reference_kind}", reason="INVALID_ENUM", metadata={"field": "reference_kind"}
            )
        if self.pool is None:
            with self._lock:
                return compare_faces(
                    reference, probe, reference_kind,
                    models=self._models, settings=self.settings, image_settings=self.image_settings,
                )
        start = time.perf_counter()
        data = self.pool.run(
            compare_job, reference, probe, reference_kind, self.settings, self.image_settings, timeout=timeout
        )
        total_ms = (time.perf_counter() - start) * 1000.0
        response = pb.CompareFacesResponse.FromString(data)
        worker_ms = sum(t.milliseconds for t in response.timings)
        # Time spent queued for a worker and moving bytes between processes.
        response.timings.append(pb.StageTiming(stage="worker_queue", milliseconds=max(0.0, total_ms - worker_ms)))
        return response
