"""Distance -> similarity and decision: pure, tested exhaustively with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from idverify.faces.decide import Decision, decide, face_distance, similarity, thresholds_for
from idverify.faces.settings import FaceSettings

thresholds = st.tuples(st.floats(0.05, 1.5), st.floats(0.0, 0.5)).map(lambda t: (t[0], t[0] + t[1]))
distances = st.floats(0.0, 3.0)


def test_decision_boundaries_are_inclusive_for_match():
    assert decide(0.55, 0.55, 0.62) is Decision.MATCH
    assert decide(0.5500001, 0.55, 0.62) is Decision.INCONCLUSIVE
    assert decide(0.62, 0.55, 0.62) is Decision.INCONCLUSIVE
    assert decide(0.6200001, 0.55, 0.62) is Decision.NO_MATCH
    assert decide(0.7, 0.6, 0.6) is Decision.NO_MATCH and decide(0.6, 0.6, 0.6) is Decision.MATCH


@given(distances, thresholds)
def test_decide_partitions_the_distance_axis(d, t):
    lo, hi = t
    expected = Decision.MATCH if d <= lo else Decision.NO_MATCH if d > hi else Decision.INCONCLUSIVE
    assert decide(d, lo, hi) is expected


curves = st.tuples(st.floats(0.1, 1.5), st.floats(1.0, 500.0))


@given(distances, distances, curves)
def test_similarity_is_bounded_and_monotonic(a, b, curve):
    sa, sb = similarity(a, *curve), similarity(b, *curve)
    assert 0.0 <= sa <= 1.0 and 0.0 <= sb <= 1.0
    if a < b:
        assert sa >= sb


@given(curves)
def test_similarity_is_even_at_the_centre(curve):
    assert similarity(curve[0], *curve) == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize("cls", [None, "document_portrait", "degraded_portrait"])
def test_default_similarity_agrees_with_the_decision_at_the_match_threshold(cls):
    """At even prior odds a pair at the class's MATCH threshold is very likely one person, and a
    pair as far apart as a typical impostor (0.84) is very likely not: the curve and the
    decision thresholds come from the same measurements (benchmarks/calibrate_similarity.py)."""
    t = thresholds_for(cls, FaceSettings())
    assert similarity(t.match_distance, t.similarity_centre, t.similarity_slope) > 0.98
    assert similarity(0.84, t.similarity_centre, t.similarity_slope) < 0.01


def test_face_distance_is_euclidean():
    a, b = np.zeros(128), np.zeros(128)
    b[0], b[1] = 3.0, 4.0
    assert face_distance(a, b) == pytest.approx(5.0)
    assert face_distance(a, a) == 0.0


# -- the reference's class and its thresholds (pure: measures in, class and thresholds out) ----

from dataclasses import replace  # noqa: E402

from idverify.faces.decide import classify_reference, thresholds_for  # noqa: E402
from idverify.faces.quality import QualityMeasures  # noqa: E402
from idverify.faces.settings import ClassThresholds, FaceSettings  # noqa: E402

SETTINGS = FaceSettings()
GOOD = QualityMeasures(face_width_px=180, inter_eye_distance_px=70, sharpness=120, brightness=130,
                       contrast=50, yaw_degrees=3, pitch_degrees=2, saturation=25)


@pytest.mark.parametrize(
    ("change", "on_document", "expected"),
    [
        ({}, False, "photo"),
        ({}, True, "document_portrait"),
        # black-and-white photos compare like colour ones; grey counts only on a document
        ({"saturation": 0.0}, False, "photo"),
        ({"saturation": 0.0}, True, "degraded_portrait"),
        ({"face_width_px": 52}, False, "degraded_portrait"),
        ({"face_width_px": 52}, True, "degraded_portrait"),
        ({"sharpness": 12}, True, "degraded_portrait"),
        ({"sharpness": 12}, False, "degraded_portrait"),
    ],
)
def test_reference_class_comes_from_measured_quality(change, on_document, expected):
    assert classify_reference(replace(GOOD, **change), on_document=on_document, settings=SETTINGS) == expected


def test_reference_class_boundaries_are_the_settings():
    s = SETTINGS
    at = replace(GOOD, face_width_px=s.degraded_below_face_width_px, sharpness=s.degraded_below_sharpness,
                 saturation=s.grey_below_saturation)
    assert classify_reference(at, on_document=True, settings=s) == "document_portrait"
    below = replace(at, saturation=s.grey_below_saturation - 0.01)
    assert classify_reference(below, on_document=True, settings=s) == "degraded_portrait"


def test_each_class_decides_with_its_own_thresholds():
    s = replace(SETTINGS, match_distance=0.50, no_match_distance=0.60,
                document_portrait=ClassThresholds(0.52, 0.64), degraded_portrait=ClassThresholds(0.58, 0.70, 4.0))
    photo, document, degraded = (thresholds_for(c, s) for c in ("photo", "document_portrait", "degraded_portrait"))
    assert (photo.match_distance, photo.no_match_distance, photo.min_sharpness) == (0.50, 0.60, s.min_sharpness)
    assert (document.match_distance, document.min_sharpness) == (0.52, s.min_sharpness)
    assert (degraded.match_distance, degraded.no_match_distance, degraded.min_sharpness) == (0.58, 0.70, 4.0)
    # the same distance is decided differently by what the reference is
    assert decide(0.55, photo.match_distance, photo.no_match_distance) is Decision.INCONCLUSIVE
    assert decide(0.55, degraded.match_distance, degraded.no_match_distance) is Decision.MATCH
    # no reference face, or the classes switched off: the photo (pre-class) keys
    assert thresholds_for(None, s) == photo
    off = replace(s, per_class_thresholds=False)
    assert thresholds_for("degraded_portrait", off) == photo


@given(st.floats(1, 400), st.floats(0, 500), st.floats(0, 80), st.booleans())
def test_every_reference_gets_exactly_one_class(width, sharpness, saturation, on_document):
    m = replace(GOOD, face_width_px=width, sharpness=sharpness, saturation=saturation)
    c = classify_reference(m, on_document=on_document, settings=SETTINGS)
    assert c in ("photo", "document_portrait", "degraded_portrait")
    assert (c == "document_portrait") <= on_document and (c == "photo") <= (not on_document)
    t = thresholds_for(c, SETTINGS)
    assert 0 < t.match_distance <= t.no_match_distance
