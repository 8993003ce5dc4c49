"""From an embedding distance to a similarity and a decision (pure logic, no I/O).

Measuring is separate from deciding, as in face_recognition's ``face_distance`` and
``compare_faces``: the distance is Euclidean in dlib's 128-d embedding space, and two
thresholds turn it into MATCH (at or below ``match_distance``), NO_MATCH (above
``no_match_distance``) or INCONCLUSIVE (in between: human review).

The thresholds depend on what the reference is (:func:`classify_reference`), because a grey,
soft, 50 px document portrait puts genuine pairs farther apart than a good photo does; one pair
of thresholds set for the worst case sends most holders of good references to review. The
class comes from the reference face's measured quality, never from the caller:

    degraded_portrait   face narrower than ``degraded_below_face_width_px``, or softer than
                        ``degraded_below_sharpness``, or (on a document) greyer than
                        ``grey_below_saturation``
    document_portrait   otherwise, when the reference is a document (or its face was found as a
                        document's main portrait)
    photo               otherwise
"""

from __future__ import annotations

import math
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

from idverify.faces.settings import ClassThresholds, FaceSettings, ReferenceClass

if TYPE_CHECKING:
    from idverify.faces.quality import QualityMeasures

__all__ = ["Decision", "classify_reference", "decide", "face_distance", "similarity", "thresholds_for"]


class Decision(Enum):
    """The face-match decision (mirrors idverify.v1.FaceDecision)."""

    MATCH = "MATCH"
    NO_MATCH = "NO_MATCH"
    INCONCLUSIVE = "INCONCLUSIVE"


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two 128-d embeddings (0 identical; same person usually < 0.5)."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def classify_reference(measures: QualityMeasures, *, on_document: bool, settings: FaceSettings) -> ReferenceClass:
    """The class of a reference face from its measured quality (rule in the module docstring)."""
    if (
        measures.face_width_px < settings.degraded_below_face_width_px
        or measures.sharpness < settings.degraded_below_sharpness
        or (on_document and measures.saturation < settings.grey_below_saturation)
    ):
        return "degraded_portrait"
    return "document_portrait" if on_document else "photo"


def thresholds_for(reference_class: ReferenceClass | None, settings: FaceSettings) -> ClassThresholds:
    """The thresholds a reference of ``reference_class`` is decided with: the photo class's
    (``match_distance``, ``no_match_distance``, ``min_sharpness``) when the class is None (no
    reference face) or per-class thresholds are off."""
    chosen = ClassThresholds(settings.match_distance, settings.no_match_distance, None,
                             settings.similarity_centre, settings.similarity_slope)
    if settings.per_class_thresholds and reference_class == "document_portrait":
        chosen = settings.document_portrait
    elif settings.per_class_thresholds and reference_class == "degraded_portrait":
        chosen = settings.degraded_portrait
    if chosen.min_sharpness is None:
        chosen = replace(chosen, min_sharpness=settings.min_sharpness)
    return chosen


def decide(distance: float, match_distance: float, no_match_distance: float) -> Decision:
    """MATCH at or below ``match_distance``, NO_MATCH above ``no_match_distance``, else INCONCLUSIVE."""
    if distance <= match_distance:
        return Decision.MATCH
    if distance > no_match_distance:
        return Decision.NO_MATCH
    return Decision.INCONCLUSIVE


def similarity(distance: float, centre: float, slope: float) -> float:
    """The probability that two faces at ``distance`` are of one person, for a pair drawn with
    even prior odds: ``1 / (1 + exp(slope * (distance - centre)))``, with the reference class's
    ``similarity_centre`` and ``similarity_slope`` (fitted on measured genuine and impostor
    distances by benchmarks/calibrate_similarity.py). Monotonic falling in the distance, so it
    orders pairs exactly as the distance does. At prior odds ``k`` (genuine : impostor), the
    posterior odds are ``k * p / (1 - p)``."""
    z = slope * (distance - centre)
    if z > 700:
        return 0.0
    return float(1.0 / (1.0 + math.exp(z)))
