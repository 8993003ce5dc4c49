"""Tests for idverify.policy.decide: one test per rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.policy import decide, load_policy, parse_policy
from idverify.v1 import verification_service_pb2 as pb

APPROVE, REVIEW, REJECT = (
    pb.VERIFICATION_DECISION_APPROVE,
    pb.VERIFICATION_DECISION_REVIEW,
    pb.VERIFICATION_DECISION_REJECT,
)
POLICY = load_policy()


def _face(decision=pb.FACE_DECISION_MATCH, **kw) -> pb.CompareFacesResponse:
    return pb.CompareFacesResponse(decision=decision, distance=0.41, has_distance=True, **kw)


def _doc(*codes: str) -> pb.ReadDocumentResponse:
    return pb.ReadDocumentResponse(reasons=[pb.Reason(code=c, message=c.lower()) for c in codes])


def _profile(*codes: str) -> pb.MatchProfileResponse:
    return pb.MatchProfileResponse(reasons=[pb.Reason(code=c, source="profile") for c in codes])


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def test_all_clear_approves() -> None:
    decision, reasons = decide(_face(), _doc(), _profile(), POLICY)
    assert (decision, reasons) == (APPROVE, [])


def test_face_mismatch_rejects_with_distance() -> None:
    decision, reasons = decide(_face(pb.FACE_DECISION_NO_MATCH), _doc(), _profile(), POLICY)
    assert decision == REJECT and _codes(reasons) == ["FACE_MISMATCH"]
    assert "0.410" in reasons[0].message and reasons[0].source == "face"


@pytest.mark.parametrize("decision", [pb.FACE_DECISION_INCONCLUSIVE, pb.FACE_DECISION_UNSPECIFIED])
def test_face_inconclusive_reviews(decision) -> None:
    verdict, reasons = decide(_face(decision), _doc(), _profile(), POLICY)
    assert verdict == REVIEW and _codes(reasons) == ["FACE_INCONCLUSIVE"]


def test_no_face_on_each_side() -> None:
    face = _face(
        pb.FACE_DECISION_INCONCLUSIVE,
        probe=pb.ImageAnalysis(selected_face_index=-1, reasons=[pb.Reason(code="NO_FACE", message="none")]),
    )
    verdict, reasons = decide(face, _doc(), _profile(), POLICY)
    assert verdict == REJECT
    assert _codes(reasons) == ["NO_FACE_ON_PROFILE_PHOTO", "FACE_INCONCLUSIVE"]
    face = _face(
        pb.FACE_DECISION_INCONCLUSIVE,
        reference=pb.ImageAnalysis(selected_face_index=-1, reasons=[pb.Reason(code="NO_FACE")]),
    )
    verdict, reasons = decide(face, _doc(), _profile(), POLICY)
    assert verdict == REVIEW and _codes(reasons) == ["NO_FACE_ON_DOCUMENT", "FACE_INCONCLUSIVE"]


def test_sideless_no_face_is_attributed() -> None:
    face = _face(
        pb.FACE_DECISION_INCONCLUSIVE,
        reasons=[pb.Reason(code="NO_FACE")],
        reference=pb.ImageAnalysis(faces=[pb.DetectedFace(selected=True)], selected_face_index=0),
    )
    assert "NO_FACE_ON_PROFILE_PHOTO" in _codes(decide(face, _doc(), _profile(), POLICY)[1])


def test_repeated_image_reasons_keep_their_side() -> None:
    """The faces step copies an image's NO_FACE into CompareFacesResponse.reasons."""
    no_face = pb.Reason(code="NO_FACE", message="no face was found on the reference image")
    face = _face(
        pb.FACE_DECISION_INCONCLUSIVE,
        reasons=[no_face],
        reference=pb.ImageAnalysis(selected_face_index=-1, reasons=[no_face]),
        probe=pb.ImageAnalysis(faces=[pb.DetectedFace(selected=True)], selected_face_index=0),
    )
    assert _codes(decide(face, _doc(), _profile(), POLICY)[1]) == ["NO_FACE_ON_DOCUMENT", "FACE_INCONCLUSIVE"]


def test_multiple_faces_and_low_quality_review() -> None:
    bad = pb.FaceQuality(acceptable=False, reasons=[pb.Reason(code="BLURRY")])
    face = _face(
        probe=pb.ImageAnalysis(
            faces=[pb.DetectedFace(quality=bad, selected=True), pb.DetectedFace()],
            selected_face_index=0,
            reasons=[pb.Reason(code="MULTIPLE_FACES")],
        )
    )
    verdict, reasons = decide(face, _doc(), _profile(), POLICY)
    assert verdict == REVIEW and _codes(reasons) == ["MULTIPLE_FACES", "LOW_QUALITY"]
    assert "BLURRY" in reasons[1].message


def test_good_quality_adds_nothing() -> None:
    good = pb.FaceQuality(acceptable=True)
    face = _face(probe=pb.ImageAnalysis(faces=[pb.DetectedFace(quality=good)], selected_face_index=0))
    assert decide(face, _doc(), _profile(), POLICY) == (APPROVE, [])


@pytest.mark.parametrize(
    ("code", "decision"),
    [
        ("DOCUMENT_EXPIRED", REJECT),
        ("DOCUMENT_UNREADABLE", REJECT),
        ("DOCUMENT_NOT_FOUND", REJECT),
        ("UNDERAGE", REJECT),
        ("MRZ_INVALID", REVIEW),
        ("MRZ_VIZ_MISMATCH", REVIEW),
        ("DOCUMENT_EXPIRING", APPROVE),
    ],
)
def test_document_codes(code, decision) -> None:
    verdict, reasons = decide(_face(), _doc(code), _profile(), POLICY)
    assert verdict == decision and _codes(reasons) == [code]
    assert reasons[0].source == "document"


@pytest.mark.parametrize(
    ("code", "decision"),
    [
        ("NAME_MISMATCH", REJECT),
        ("NAME_PARTIAL", REVIEW),
        ("DOB_MISMATCH", REJECT),
        ("DOB_PARTIAL", REVIEW),
        ("COUNTRY_MISMATCH", REVIEW),
        ("EMAIL_INVALID", REVIEW),
        ("PHONE_MISMATCH", REVIEW),
    ],
)
def test_profile_codes(code, decision) -> None:
    verdict, reasons = decide(_face(), _doc(), _profile(code), POLICY)
    assert verdict == decision and _codes(reasons) == [code]


def test_missing_steps() -> None:
    verdict, reasons = decide(None, None, None, POLICY)
    assert verdict == REVIEW
    assert _codes(reasons) == ["FACE_NOT_COMPARED", "DOCUMENT_NOT_READ", "PROFILE_NOT_MATCHED"]
    assert all(r.source == "policy" for r in reasons)


def test_extra_reasons_and_unknown_codes_use_the_default() -> None:
    verdict, reasons = decide(_face(), _doc("SOMETHING_NEW"), _profile(), POLICY,
                              [pb.Reason(code="DOCUMENT_UNREADABLE", source="document")])  # fmt: skip
    assert verdict == REJECT and _codes(reasons) == ["DOCUMENT_UNREADABLE", "SOMETHING_NEW"]


def test_most_severe_first_and_deduplicated() -> None:
    verdict, reasons = decide(
        _face(pb.FACE_DECISION_NO_MATCH),
        _doc("DOCUMENT_EXPIRING", "MRZ_INVALID", "DOCUMENT_EXPIRED"),
        _profile("NAME_PARTIAL", "DOB_MISMATCH"),
        POLICY,
        [pb.Reason(code="FACE_MISMATCH", message="again")],
    )
    assert verdict == REJECT
    assert _codes(reasons) == [
        "FACE_MISMATCH", "DOCUMENT_EXPIRED", "DOB_MISMATCH", "MRZ_INVALID", "NAME_PARTIAL", "DOCUMENT_EXPIRING",
    ]  # fmt: skip
    assert reasons[0].message != "again"


def test_effects_come_from_the_policy() -> None:
    lenient = parse_policy({"version": "lenient", "effects": {"FACE_MISMATCH": "review", "NAME_PARTIAL": "approve"}})
    assert decide(_face(pb.FACE_DECISION_NO_MATCH), _doc(), _profile(), lenient)[0] == REVIEW
    assert decide(_face(), _doc(), _profile("NAME_PARTIAL"), lenient)[0] == APPROVE


_CODES = st.sampled_from(sorted(POLICY.effects) + ["UNLISTED_CODE"])


@given(st.lists(_CODES, max_size=8), st.lists(_CODES, max_size=8),
       st.sampled_from([pb.FACE_DECISION_MATCH, pb.FACE_DECISION_NO_MATCH, pb.FACE_DECISION_INCONCLUSIVE]))  # fmt: skip
def test_decision_is_the_most_severe_effect(doc_codes, profile_codes, face_decision) -> None:
    from idverify.policy.rules import EFFECT_SEVERITY

    verdict, reasons = decide(_face(face_decision), _doc(*doc_codes), _profile(*profile_codes), POLICY)
    severities = [EFFECT_SEVERITY[POLICY.effect_of(r.code)] for r in reasons]
    assert severities == sorted(severities, reverse=True)
    assert len({r.code for r in reasons}) == len(reasons)
    assert set(doc_codes) | set(profile_codes) <= {r.code for r in reasons}
    expected = max(severities, default=0)
    assert verdict == {0: APPROVE, 1: REVIEW, 2: REJECT}[expected]
