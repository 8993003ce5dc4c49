"""Responses to plain observations: short enum names, no bytes, nested reasons, key scores."""

from __future__ import annotations

from idverify.qa.observe import enum_short_name, error_observation, key_scores, observe, reason_codes, to_plain
from idverify.v1 import verification_service_pb2 as pb
from linker.v1 import linking_service_pb2 as lpb


def test_enum_values_lose_their_prefix():
    assert enum_short_name(pb.FaceDecision.DESCRIPTOR, pb.FACE_DECISION_NO_MATCH) == "NO_MATCH"
    assert enum_short_name(pb.MatchLevel.DESCRIPTOR, pb.MATCH_LEVEL_NOT_COMPARED) == "NOT_COMPARED"
    assert enum_short_name(lpb.LinkDecision.DESCRIPTOR, lpb.LINK_DECISION_BLOCK) == "BLOCK"
    assert enum_short_name(pb.FaceDecision.DESCRIPTOR, 99) == "99"


def test_to_plain_keeps_defaults_drops_bytes_and_unset_messages():
    response = pb.ReadDocumentResponse(document=pb.Document(surname="HOPPER", mrz_format=pb.MRZ_FORMAT_TD3),
                                       portrait_png=b"\x89PNG" * 100, mrz_score=87)
    plain = to_plain(response)
    assert plain["document"]["surname"] == "HOPPER" and plain["document"]["mrz_format"] == "TD3"
    assert plain["portrait_png"] == "<400 bytes>"
    assert plain["mrz_score"] == 87 and plain["reasons"] == []
    assert "portrait_box" not in plain  # unset sub-message


def test_reasons_are_collected_from_every_level():
    response = pb.VerifyIdentityResponse(
        reasons=[pb.Reason(code="FACE_MISMATCH")],
        face=pb.CompareFacesResponse(probe=pb.ImageAnalysis(reasons=[pb.Reason(code="LOW_QUALITY")]),
                                     reasons=[pb.Reason(code="FACE_MISMATCH")]),
        profile=pb.MatchProfileResponse(reasons=[pb.Reason(code="NAME_PARTIAL")]))
    assert reason_codes(to_plain(response)) == ["FACE_MISMATCH", "LOW_QUALITY", "NAME_PARTIAL"]


def test_key_scores_skip_distance_when_none_was_measured():
    measured = to_plain(pb.CompareFacesResponse(distance=0.42, similarity=0.6, has_distance=True))
    assert key_scores("CompareFaces", measured) == {"distance": 0.42, "similarity": 0.6}
    assert key_scores("CompareFaces", to_plain(pb.CompareFacesResponse())) == {}
    verify = to_plain(pb.VerifyIdentityResponse(document=pb.ReadDocumentResponse(mrz_score=90),
                                                profile=pb.MatchProfileResponse(name=pb.NameMatch(score=97.5))))
    assert key_scores("VerifyIdentity", verify) == {"mrz_score": 90.0, "name_score": 97.5}


def test_observe_and_error_observation():
    seen = observe("MatchProfile", pb.MatchProfileResponse(level=pb.MATCH_LEVEL_PARTIAL), 12.345)
    assert seen["decision"] == "PARTIAL" and seen["error"] is None and seen["milliseconds"] == 12.35
    document = observe("VerifyIdentity", pb.VerifyIdentityResponse(
        document=pb.ReadDocumentResponse(document=pb.Document(birth_date="1906-12-09"))), 1)["document"]
    assert document["birth_date"] == "1906-12-09" and document["surname"] == ""
    failed = error_observation("INVALID_ARGUMENT", "IMAGE_UNREADABLE", "bad", 3)
    assert failed["error"] == {"code": "INVALID_ARGUMENT", "reason": "IMAGE_UNREADABLE", "message": "bad"}
