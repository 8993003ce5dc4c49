"""CompareFaces end to end: decode -> detect -> select -> landmarks and quality -> embed -> decide.

Each step is a small module with declared inputs and outputs; this one only wires them and fills
the ``idverify.v1.CompareFacesResponse`` with the evidence: every face found on each image
(box, quality, role), which one was used, the distance and similarity, the thresholds, the
model and per-stage timings. A missing or ambiguous face is a result (INCONCLUSIVE with a
reason), never a match; only an unusable image raises (:class:`ImageRejected`).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from idverify.errors import ImageRejected
from idverify.faces.decide import Decision, classify_reference, decide, face_distance, similarity, thresholds_for
from idverify.faces.detect import FaceBox, detect_faces
from idverify.faces.embed import crop_around, encode_face, landmarks68
from idverify.faces.models import EMBEDDING_MODEL, FaceModels
from idverify.faces.quality import QualityMeasures, judge_quality, measure_quality
from idverify.faces.select import looks_like_document, select_face
from idverify.faces.settings import FaceSettings, ReferenceClass
from idverify.images import ImageSettings, decode_image
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["FaceAnalysis", "FaceComparison", "analyse_image", "combine_analyses", "compare_faces", "compare_faces_with_embeddings"]

_DECISIONS = {
    Decision.MATCH: pb.FACE_DECISION_MATCH,
    Decision.NO_MATCH: pb.FACE_DECISION_NO_MATCH,
    Decision.INCONCLUSIVE: pb.FACE_DECISION_INCONCLUSIVE,
}

_CLASSES = {
    "photo": pb.FACE_REFERENCE_CLASS_PHOTO,
    "document_portrait": pb.FACE_REFERENCE_CLASS_DOCUMENT_PORTRAIT,
    "degraded_portrait": pb.FACE_REFERENCE_CLASS_DEGRADED_PORTRAIT,
}

_IMAGE_REASON_TEXT = {
    "NO_FACE": "no face was found on the {side} image",
    "PORTRAIT_NOT_FOUND": "no portrait was found on the document",
    "MULTIPLE_FACES": "the {side} image shows more than one face of comparable size",
}


class _Timer:
    """Collects (stage, milliseconds) pairs."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, float]] = []

    def since(self, stage: str, start: float) -> float:
        now = time.perf_counter()
        self.stages.append((stage, (now - start) * 1000.0))
        return now


@dataclass
class FaceAnalysis:
    """One image's analysis: the proto message, the selected face's embedding (or None),
    whether that face passed quality and, on a reference, its class."""

    message: pb.ImageAnalysis
    embedding: np.ndarray | None = None
    acceptable: bool = False
    measures: list[QualityMeasures] = field(default_factory=list)
    #: The reference's class (decide.classify_reference); None on a probe or with no face.
    reference_class: ReferenceClass | None = None


def analyse_image(
    data: bytes,
    *,
    side: str,
    document: bool | None,
    models: FaceModels,
    settings: FaceSettings,
    image_settings: ImageSettings,
    timer: _Timer | None = None,
    printed: bool = False,
) -> FaceAnalysis:
    """Decode one image, find and judge its faces, and embed the selected one.

    ``side`` ("reference" or "probe") names the image in reasons and errors. ``document`` is
    True for a whole ID document, False for a portrait, None to guess from the image. ``printed``
    says a portrait was cropped from a document: its class is judged as on a document.
    Raises :class:`ImageRejected` (metadata ``field`` = side) when the image is unusable.
    """
    timer = timer or _Timer()
    start = time.perf_counter()
    try:
        image = decode_image(data, image_settings)
    except ImageRejected as exc:
        exc.metadata["field"] = side
        raise
    start = timer.since(f"{side}.decode", start)
    # Only a known document may skip the passes that rule out a second comparable face.
    boxes = detect_faces(image.rgb, models, settings, exhaustive=document is not True)
    start = timer.since(f"{side}.detect", start)
    widths = [b.width for b in boxes]
    is_document = looks_like_document(image.width, image.height, widths) if document is None else document
    selection = select_face(widths, document=is_document, dominance_ratio=settings.dominance_ratio)

    message = pb.ImageAnalysis(
        width=image.width,
        height=image.height,
        format=image.format,
        selected_face_index=selection.index,
        portrait_cropped=is_document and selection.index >= 0,
    )
    analysis = FaceAnalysis(message=message)
    selected_shape = None
    selected_crop = None
    for i, box in enumerate(boxes):
        crop = crop_around(image.rgb, box)
        shape, points = landmarks68(crop, models)
        analysis.measures.append(measure_quality(image.rgb, box, points))
        if i == selection.index:
            selected_shape, selected_crop = shape, crop
    # The reference's class sets the thresholds, and with them the sharpness floor its quality
    # is judged against; a probe is always judged as a photo.
    judged = settings
    if side == "reference" and selection.index >= 0:
        analysis.reference_class = classify_reference(
            analysis.measures[selection.index], on_document=is_document or printed, settings=settings
        )
        floor = thresholds_for(analysis.reference_class, settings).min_sharpness
        if floor is not None and floor != settings.min_sharpness:
            judged = dataclasses.replace(settings, min_sharpness=floor)
    thresholds = _quality_thresholds(judged)
    for i, (box, role, measures) in enumerate(zip(boxes, selection.roles, analysis.measures)):
        failed = judge_quality(measures, judged)
        message.faces.append(_detected_face(box, measures, failed, thresholds, role, i == selection.index))
        if i == selection.index:
            analysis.acceptable = not failed
    start = timer.since(f"{side}.landmarks_quality", start)
    for code in selection.reasons:
        message.reasons.append(_reason(code, _IMAGE_REASON_TEXT[code].format(side=side)))
    if selected_crop is not None:
        if not analysis.acceptable:
            codes = ", ".join(r.code for r in message.faces[selection.index].quality.reasons)
            message.reasons.append(_reason("LOW_QUALITY", f"the {side} face fails quality: {codes}"))
        analysis.embedding = encode_face(selected_crop, models, selected_shape, settings.num_jitters)
        timer.since(f"{side}.encode", start)
    return analysis


@dataclass
class FaceComparison:
    """A comparison with the two selected faces' embeddings (128-d, None where no usable face):
    kept inside the service, for the linker, and never put in a response."""

    response: pb.CompareFacesResponse
    reference_embedding: np.ndarray | None
    probe_embedding: np.ndarray | None


def compare_faces(
    reference: bytes,
    probe: bytes,
    reference_kind: int = pb.REFERENCE_KIND_UNSPECIFIED,
    *,
    models: FaceModels,
    settings: FaceSettings,
    image_settings: ImageSettings,
) -> pb.CompareFacesResponse:
    """Compare the face on ``reference`` (document or portrait bytes) with the face on ``probe``
    (profile photo bytes) and return the full CompareFacesResponse.

    Raises :class:`ImageRejected` only when an image cannot be used at all.
    """
    return compare_faces_with_embeddings(reference, probe, reference_kind, models=models, settings=settings,
                                         image_settings=image_settings).response


def compare_faces_with_embeddings(
    reference: bytes,
    probe: bytes,
    reference_kind: int = pb.REFERENCE_KIND_UNSPECIFIED,
    *,
    models: FaceModels,
    settings: FaceSettings,
    image_settings: ImageSettings,
) -> FaceComparison:
    """:func:`compare_faces`, keeping the embeddings it computed (computed once, here)."""
    timer = _Timer()
    document = {pb.REFERENCE_KIND_DOCUMENT: True, pb.REFERENCE_KIND_PORTRAIT: False,
                pb.REFERENCE_KIND_DOCUMENT_PORTRAIT: False}.get(reference_kind)
    ref = analyse_image(
        reference, side="reference", document=document, models=models, settings=settings,
        image_settings=image_settings, timer=timer, printed=reference_kind == pb.REFERENCE_KIND_DOCUMENT_PORTRAIT,
    )
    prb = analyse_image(
        probe, side="probe", document=False, models=models, settings=settings,
        image_settings=image_settings, timer=timer,
    )
    response = combine_analyses(ref, prb, settings=settings, timer=timer)
    return FaceComparison(response, ref.embedding, prb.embedding)


def combine_analyses(
    ref: FaceAnalysis, prb: FaceAnalysis, *, settings: FaceSettings, timer: _Timer | None = None
) -> pb.CompareFacesResponse:
    """The CompareFacesResponse for two analysed images: distance, similarity and decision.

    The thresholds are those of the reference's class (``ref.reference_class``), reported in
    ``thresholds``. INCONCLUSIVE with the images' reasons when either side has no usable face; a MATCH or
    NO_MATCH becomes INCONCLUSIVE (reason LOW_QUALITY) when a selected face fails quality and
    ``settings.low_quality_is_inconclusive`` is set.
    """
    timer = timer or _Timer()
    start = time.perf_counter()
    applied = thresholds_for(ref.reference_class, settings)
    match_distance, no_match_distance = applied.match_distance, applied.no_match_distance
    response = pb.CompareFacesResponse(
        reference=ref.message,
        probe=prb.message,
        thresholds=pb.FaceThresholds(
            match_distance=match_distance,
            no_match_distance=no_match_distance,
            reference_class=_CLASSES.get(ref.reference_class, pb.FACE_REFERENCE_CLASS_UNSPECIFIED),
        ),
        model=EMBEDDING_MODEL,
    )
    if ref.embedding is None or prb.embedding is None:
        response.decision = pb.FACE_DECISION_INCONCLUSIVE
        for analysis in (ref, prb):
            for reason in analysis.message.reasons:
                if reason.code != "LOW_QUALITY":
                    response.reasons.append(reason)
    else:
        distance = face_distance(ref.embedding, prb.embedding)
        decision = decide(distance, match_distance, no_match_distance)
        response.distance = distance
        response.has_distance = True
        response.similarity = similarity(distance, applied.similarity_centre, applied.similarity_slope)
        low_quality = not (ref.acceptable and prb.acceptable)
        if low_quality and settings.low_quality_is_inconclusive and decision is not Decision.INCONCLUSIVE:
            # The distance alone would decide, but a face fails quality: no decision, and the
            # reason says so (LOW_QUALITY follows), never FACE_MISMATCH for an undecided pair.
            response.reasons.append(_reason(
                "FACE_INCONCLUSIVE",
                f"distance {distance:.3f} would be {decision.name}, but a face fails the quality checks",
            ))
            decision = Decision.INCONCLUSIVE
        elif decision is Decision.NO_MATCH:
            response.reasons.append(_reason(
                "FACE_MISMATCH",
                f"distance {distance:.3f} above the no-match threshold {no_match_distance:.2f}",
            ))
        elif decision is Decision.INCONCLUSIVE:
            response.reasons.append(_reason(
                "FACE_INCONCLUSIVE",
                f"distance {distance:.3f} between the thresholds "
                f"{match_distance:.2f} and {no_match_distance:.2f}",
            ))
        if low_quality:
            for analysis in (ref, prb):
                response.reasons.extend(r for r in analysis.message.reasons if r.code == "LOW_QUALITY")
        response.decision = _DECISIONS[decision]
    response.reference_decision = response.decision  # fusion (faces.fusion) may change decision only
    timer.since("decide", start)
    for stage, ms in timer.stages:
        response.timings.append(pb.StageTiming(stage=stage, milliseconds=ms))
    return response


def _quality_thresholds(s: FaceSettings) -> pb.FaceQualityThresholds:
    return pb.FaceQualityThresholds(
        min_face_width_px=s.min_face_width_px,
        min_inter_eye_distance_px=s.min_inter_eye_distance_px,
        min_sharpness=s.min_sharpness,
        min_brightness=s.min_brightness,
        max_brightness=s.max_brightness,
        min_contrast=s.min_contrast,
        max_yaw_degrees=s.max_yaw_degrees,
        max_pitch_degrees=s.max_pitch_degrees,
    )


def _detected_face(
    box: FaceBox,
    m: QualityMeasures,
    failed: list[tuple[str, str]],
    thresholds: pb.FaceQualityThresholds,
    role: str,
    selected: bool,
) -> pb.DetectedFace:
    return pb.DetectedFace(
        box=pb.BoundingBox(left=box.left, top=box.top, width=box.width, height=box.height),
        quality=pb.FaceQuality(
            face_width_px=m.face_width_px,
            inter_eye_distance_px=m.inter_eye_distance_px,
            sharpness=m.sharpness,
            brightness=m.brightness,
            contrast=m.contrast,
            yaw_degrees=m.yaw_degrees,
            pitch_degrees=m.pitch_degrees,
            saturation=m.saturation,
            acceptable=not failed,
            reasons=[_reason(code, text) for code, text in failed],
            thresholds=thresholds,
        ),
        selected=selected,
        role=role,
    )


def _reason(code: str, message: str) -> pb.Reason:
    return pb.Reason(code=code, message=message, source="face")
