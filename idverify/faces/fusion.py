"""Fusing an account's earlier verified selfies with its document reference (pure logic, no I/O).

At re-verification the document portrait may be worn, grey or small, while the account already
holds selfies whose own verification against that document was MATCH. The rule, measured on
../shared/faces leaving one person out (benchmarks/earlier_selfies.py, RESULTS.md "Step 4"):

    the document reference is MATCH                      -> MATCH (no selfie is needed)
    the document is INCONCLUSIVE by distance alone        -> MATCH when an earlier verified selfie
      (both faces of acceptable quality, the distance        is MATCH against the probe at its own
      between the class's thresholds)                        (photo) class's thresholds; otherwise
                                                             the document's INCONCLUSIVE
    anything else (NO_MATCH, a missing face, a face of   -> the document's decision, unchanged
      unacceptable quality)

So an earlier selfie can only settle a comparison the document leaves open; it never overrides
a document that says "different person", never vouches for a probe or document too poor to
judge, and never decides alone. Held out, it adds no different-person MATCH in any set (0 of
1,391 photo pairs) and moves 2, 5, 6, 10 and 19 of 94 genuine re-verifications (photo, clean,
mild, strong, hard) from INCONCLUSIVE to MATCH. "Any reference MATCH" would also turn 3
NO_MATCH photo references into MATCH (overriding a reference that says "different person");
the mean of the two distances moves fewer.
"""

from __future__ import annotations

from collections.abc import Sequence

from idverify.v1 import verification_service_pb2 as pb

__all__ = ["fuse_earlier_selfies", "open_by_distance"]

#: The reason codes a comparison INCONCLUSIVE by distance alone carries (and no other).
_BY_DISTANCE = frozenset({"FACE_INCONCLUSIVE"})


def open_by_distance(face: pb.CompareFacesResponse) -> bool:
    """True when ``face`` is INCONCLUSIVE only because its distance lies between its thresholds:
    both selected faces were measured and passed quality, and no other reason was given. Only
    then may earlier selfies be compared (:func:`fuse_earlier_selfies`)."""
    if face.decision != pb.FACE_DECISION_INCONCLUSIVE or not face.has_distance:
        return False
    if not face.thresholds.match_distance < face.distance <= face.thresholds.no_match_distance:
        return False
    for analysis in (face.reference, face.probe):
        selected = analysis.selected_face_index
        if not 0 <= selected < len(analysis.faces) or not analysis.faces[selected].quality.acceptable:
            return False
    return {r.code for r in face.reasons} <= _BY_DISTANCE


def fuse_earlier_selfies(face: pb.CompareFacesResponse,
                         selfies: Sequence[pb.CompareFacesResponse]) -> pb.CompareFacesResponse:
    """``face`` (the document reference against the probe) with ``selfies`` (each earlier
    verified selfie as reference against the same probe) fused by the module's rule; every
    selfie's distance and decision is listed in ``other_references``. Returns a new message;
    ``face`` is unchanged, and returned as a copy unchanged when it is not open by distance or
    no selfie was compared."""
    fused = pb.CompareFacesResponse()
    fused.CopyFrom(face)
    if not selfies or not open_by_distance(face):
        return fused
    for selfie in selfies:
        fused.other_references.append(pb.FaceReferenceComparison(
            source=pb.FACE_REFERENCE_SOURCE_EARLIER_SELFIE, decision=selfie.decision, distance=selfie.distance,
            has_distance=selfie.has_distance, thresholds=selfie.thresholds, reasons=selfie.reasons))
    if any(s.decision == pb.FACE_DECISION_MATCH for s in selfies):
        fused.decision = pb.FACE_DECISION_MATCH
        fused.fusion = pb.FACE_FUSION_EARLIER_SELFIE_MATCH
        del fused.reasons[:]  # the one reason was FACE_INCONCLUSIVE, which the selfie settled
    else:
        fused.fusion = pb.FACE_FUSION_EARLIER_SELFIE_NOT_MATCH
    return fused
