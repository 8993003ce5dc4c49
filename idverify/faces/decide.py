"""From an embedding distance to a similarity and a decision (pure logic, no I/O).

Measuring is separate from deciding, as in face_recognition's ``face_distance`` and
``compare_faces``: the distance is Euclidean in dlib's 128-d embedding space, and two
thresholds turn it into MATCH (at or below ``match_distance``), NO_MATCH (above
``no_match_distance``) or INCONCLUSIVE (in between: human review).
"""

from __future__ import annotations

import math
from enum import Enum

import numpy as np

__all__ = ["Decision", "decide", "face_distance", "similarity"]


class Decision(Enum):
    """The face-match decision (mirrors idverify.v1.FaceDecision)."""

    MATCH = "MATCH"
    NO_MATCH = "NO_MATCH"
    INCONCLUSIVE = "INCONCLUSIVE"


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two 128-d embeddings (0 identical; same person usually < 0.5)."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def decide(distance: float, match_distance: float, no_match_distance: float) -> Decision:
    """MATCH at or below ``match_distance``, NO_MATCH above ``no_match_distance``, else INCONCLUSIVE."""
    if distance <= match_distance:
        return Decision.MATCH
    if distance > no_match_distance:
        return Decision.NO_MATCH
    return Decision.INCONCLUSIVE


def similarity(distance: float, match_distance: float, no_match_distance: float) -> float:
    """A score in [0, 1] falling with distance: a logistic curve that is 0.5 midway between the
    thresholds, 0.8 at ``match_distance`` and 0.2 at ``no_match_distance``. Monotonic, so it
    orders pairs exactly as the distance does; it is a readable score, not a probability."""
    centre = (match_distance + no_match_distance) / 2.0
    half_band = max((no_match_distance - match_distance) / 2.0, 1e-3)
    steepness = math.log(4.0) / half_band  # logistic(+-half_band) = 0.2 / 0.8
    z = steepness * (distance - centre)
    if z > 700:
        return 0.0
    return float(1.0 / (1.0 + math.exp(z)))
