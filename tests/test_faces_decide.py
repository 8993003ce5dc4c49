"""Distance -> similarity and decision: pure, tested exhaustively with hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from idverify.faces.decide import Decision, decide, face_distance, similarity

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


@given(distances, distances, thresholds)
def test_similarity_is_bounded_and_monotonic(a, b, t):
    sa, sb = similarity(a, *t), similarity(b, *t)
    assert 0.0 <= sa <= 1.0 and 0.0 <= sb <= 1.0
    if a < b:
        assert sa >= sb


@given(thresholds)
def test_similarity_anchors(t):
    lo, hi = t
    if hi - lo > 2e-3:
        assert similarity(lo, lo, hi) == pytest.approx(0.8, abs=1e-9)
        assert similarity(hi, lo, hi) == pytest.approx(0.2, abs=1e-9)
        assert similarity((lo + hi) / 2, lo, hi) == pytest.approx(0.5, abs=1e-9)


def test_face_distance_is_euclidean():
    a, b = np.zeros(128), np.zeros(128)
    b[0], b[1] = 3.0, 4.0
    assert face_distance(a, b) == pytest.approx(5.0)
    assert face_distance(a, a) == 0.0
