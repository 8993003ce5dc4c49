"""CompareFaces as a service object: the pipeline run in worker processes (or in-process).

The servicer calls :meth:`FaceService.compare`. With a :class:`~idverify.workers.WorkerPool`
the job (decode included: it is CPU work too) runs in a worker whose models were loaded once
at pool start-up; without one it runs in the calling thread with models loaded at
construction (tools, benchmarks, single-process deployments). Both through
:class:`~idverify.workers.PooledEngine`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from idverify.errors import InvalidInput
from idverify.faces.models import FaceModels, load_face_models
from idverify.faces.pipeline import analyse_image, compare_faces_with_embeddings
from idverify.faces.settings import FaceSettings
from idverify.images import ImageSettings
from idverify.v1 import verification_service_pb2 as pb
from idverify.workers import EngineSpec, Initializer, PooledEngine, WorkerPool

__all__ = ["FaceService", "FaceTemplates", "compare_job", "embed_job"]


def _spec(settings: FaceSettings) -> EngineSpec[FaceModels]:
    return EngineSpec("faces.models", load_face_models, (settings,))


@dataclass(frozen=True)
class FaceTemplates:
    """The selected faces' 128-d embeddings of one comparison (empty where no usable face).

    Biometric templates: they go to the linker inside the service and never into a response.
    """

    reference: tuple[float, ...] = ()
    probe: tuple[float, ...] = ()


def compare_job(
    models: FaceModels,
    reference: bytes,
    probe: bytes,
    reference_kind: int,
    settings: FaceSettings,
    image_settings: ImageSettings,
) -> tuple[bytes, FaceTemplates]:
    """Run the comparison with ``models``; return the serialized CompareFacesResponse (bytes cross
    the process boundary cheaper than a pickled message) and the embeddings it computed."""
    comparison = compare_faces_with_embeddings(
        reference, probe, reference_kind, models=models, settings=settings, image_settings=image_settings
    )
    templates = FaceTemplates(_floats(comparison.reference_embedding), _floats(comparison.probe_embedding))
    return comparison.response.SerializeToString(), templates


def embed_job(models: FaceModels, photo: bytes, settings: FaceSettings, image_settings: ImageSettings,
              ) -> tuple[float, ...]:
    """The 128-d embedding of the one dominant face on ``photo``; InvalidInput (NO_FACE,
    MULTIPLE_FACES, ...) when the photo has no usable face, ImageRejected when it is no image."""
    analysis = analyse_image(photo, side="photo", document=False, models=models, settings=settings,
                             image_settings=image_settings)
    if analysis.embedding is None:
        reason = analysis.message.reasons[0] if analysis.message.reasons else None
        raise InvalidInput(reason.message if reason else "no usable face on the photo",
                           reason=reason.code if reason else "NO_FACE")
    return _floats(analysis.embedding)


def _floats(embedding) -> tuple[float, ...]:
    return () if embedding is None else tuple(float(x) for x in embedding)


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
        # Without a pool the models load here, at start-up, never on a request; dlib's DNN keeps
        # its activations in the network object, so in-process calls are serialised.
        self._engine = PooledEngine(_spec(settings), pool)

    @property
    def pool(self) -> WorkerPool | None:
        """The worker pool the comparisons run in, or None (in-process)."""
        return self._engine.pool

    @staticmethod
    def initializer(settings: FaceSettings) -> Initializer:
        """The (function, args) pair a shared WorkerPool runs in each new worker."""
        return _spec(settings).initializer()

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
        return self.compare_with_templates(reference, probe, reference_kind, timeout=timeout)[0]

    def embed(self, photo: bytes, *, timeout: float | None = None) -> tuple[float, ...]:
        """The embedding of the dominant face on ``photo`` (encoded bytes), computed in a worker;
        InvalidInput when there is no usable face. Stays inside the service (the linker)."""
        return self._engine.run(embed_job, photo, self.settings, self.image_settings, timeout=timeout)

    def compare_with_templates(
        self,
        reference: bytes,
        probe: bytes,
        reference_kind: int = pb.REFERENCE_KIND_UNSPECIFIED,
        *,
        timeout: float | None = None,
    ) -> tuple[pb.CompareFacesResponse, FaceTemplates]:
        """:meth:`compare`, with the embeddings the worker computed for the comparison."""
        if reference_kind not in pb.ReferenceKind.values():
            raise InvalidInput(
                f"unknown reference_kind {reference_kind}", reason="INVALID_ENUM", metadata={"field": "reference_kind"}
            )
        start = time.perf_counter()
        data, templates = self._engine.run(compare_job, reference, probe, reference_kind, self.settings,
                                           self.image_settings, timeout=timeout)
        response = pb.CompareFacesResponse.FromString(data)
        if self.pool is not None:
            total_ms = (time.perf_counter() - start) * 1000.0
            worker_ms = sum(t.milliseconds for t in response.timings)
            # Time spent queued for a worker and moving bytes between processes.
            response.timings.append(pb.StageTiming(stage="worker_queue", milliseconds=max(0.0, total_ms - worker_ms)))
        return response, templates
