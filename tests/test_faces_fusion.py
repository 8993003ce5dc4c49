"""The fusion of earlier verified selfies with a document reference: every branch of the rule."""

from __future__ import annotations

import pytest

from idverify.faces.fusion import fuse_earlier_selfies, open_by_distance
from idverify.v1 import verification_service_pb2 as pb

M, N, I = pb.FACE_DECISION_MATCH, pb.FACE_DECISION_NO_MATCH, pb.FACE_DECISION_INCONCLUSIVE


def _side(acceptable: bool = True, found: bool = True) -> pb.ImageAnalysis:
    if not found:
        return pb.ImageAnalysis(selected_face_index=-1)
    return pb.ImageAnalysis(selected_face_index=0, faces=[pb.DetectedFace(
        selected=True, quality=pb.FaceQuality(acceptable=acceptable))])


def _face(decision: int, distance: float | None, *codes: str, reference_ok: bool = True,
          probe_found: bool = True, match: float = 0.54, no_match: float = 0.72) -> pb.CompareFacesResponse:
    return pb.CompareFacesResponse(
        decision=decision, reference_decision=decision, distance=distance or 0.0, has_distance=distance is not None,
        reference=_side(reference_ok), probe=_side(found=probe_found),
        thresholds=pb.FaceThresholds(match_distance=match, no_match_distance=no_match),
        reasons=[pb.Reason(code=c, source="face") for c in codes])


DOC_OPEN = _face(I, 0.61, "FACE_INCONCLUSIVE")
SELFIE_MATCH = _face(M, 0.48, match=0.55, no_match=0.62)
SELFIE_OTHER = _face(N, 0.95, "FACE_MISMATCH", match=0.55, no_match=0.62)


def test_an_open_document_and_a_matching_earlier_selfie_match_with_both_distances_shown():
    fused = fuse_earlier_selfies(DOC_OPEN, [SELFIE_OTHER, SELFIE_MATCH])
    assert fused.decision == M and fused.fusion == pb.FACE_FUSION_EARLIER_SELFIE_MATCH
    assert fused.reference_decision == I and fused.distance == pytest.approx(0.61) and not fused.reasons
    assert [(r.source, r.decision, round(r.distance, 2)) for r in fused.other_references] == [
        (pb.FACE_REFERENCE_SOURCE_EARLIER_SELFIE, N, 0.95), (pb.FACE_REFERENCE_SOURCE_EARLIER_SELFIE, M, 0.48)]
    assert fused.other_references[1].thresholds.match_distance == pytest.approx(0.55)
    assert DOC_OPEN.decision == I and not DOC_OPEN.other_references  # the input is left as it was


def test_no_matching_selfie_leaves_the_document_decision_and_says_so():
    fused = fuse_earlier_selfies(DOC_OPEN, [SELFIE_OTHER, _face(I, 0.58, "FACE_INCONCLUSIVE")])
    assert fused.decision == I and fused.fusion == pb.FACE_FUSION_EARLIER_SELFIE_NOT_MATCH
    assert [r.code for r in fused.reasons] == ["FACE_INCONCLUSIVE"] and len(fused.other_references) == 2


@pytest.mark.parametrize("document", [
    _face(M, 0.40),                                               # already MATCH: nothing to settle
    _face(N, 0.80, "FACE_MISMATCH"),                              # "different person" is never overridden
    _face(I, 0.50, "LOW_QUALITY", reference_ok=False),            # a MATCH downgraded for quality
    _face(I, 0.61, "FACE_INCONCLUSIVE", "LOW_QUALITY", reference_ok=False),  # open, but the portrait is too poor
    _face(I, None, "NO_FACE", probe_found=False),                 # nothing measured
], ids=["match", "no_match", "quality_downgrade", "open_but_low_quality", "no_face"])
def test_only_a_comparison_open_by_distance_alone_is_fused(document):
    assert not open_by_distance(document)
    fused = fuse_earlier_selfies(document, [SELFIE_MATCH])
    assert fused == document and fused.fusion == pb.FACE_FUSION_UNSPECIFIED


def test_no_earlier_selfie_is_todays_decision():
    assert open_by_distance(DOC_OPEN)
    assert fuse_earlier_selfies(DOC_OPEN, []) == DOC_OPEN
