"""The policy rules (pure): joining, risk, and every decision path."""

from __future__ import annotations

import pytest

from linker.policy import (
    AccountView,
    Evidence,
    PolicyInput,
    decide_account,
    decide_contract,
    demote_contradicted,
    face_only,
    joins,
    pair_risk,
)
from linker.v1 import linking_service_pb2 as pb

S, M, W = pb.SIGNAL_STRENGTH_STRONG, pb.SIGNAL_STRENGTH_MEDIUM, pb.SIGNAL_STRENGTH_WEAK
F, C, A = pb.ACCOUNT_KIND_FREELANCER, pb.ACCOUNT_KIND_CLIENT, pb.ACCOUNT_KIND_AGENCY
ALLOW, REVIEW, BLOCK = pb.LINK_DECISION_ALLOW, pb.LINK_DECISION_REVIEW, pb.LINK_DECISION_BLOCK


def ev(t, strength, generic=False):
    return Evidence(t, strength, 1.0, generic=generic)


def test_joins():
    assert joins([ev(pb.SIGNAL_TYPE_CARD_FINGERPRINT, S)])
    assert not joins([ev(pb.SIGNAL_TYPE_CARD_FINGERPRINT, S, generic=True)])
    assert not joins([ev(pb.SIGNAL_TYPE_IP_ADDRESS, W), ev(pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, W)])
    assert not joins([ev(pb.SIGNAL_TYPE_DEVICE_ID, M), ev(pb.SIGNAL_TYPE_IP_ADDRESS, W)])
    assert joins([ev(pb.SIGNAL_TYPE_DEVICE_ID, M), ev(pb.SIGNAL_TYPE_FACE_EMBEDDING, M)])


def test_demote_contradicted():
    name = [ev(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, S), ev(pb.SIGNAL_TYPE_IP_ADDRESS, W)]
    assert demote_contradicted(name, None, 0.6) == name
    assert demote_contradicted(name, 0.3, 0.6) == name
    demoted = demote_contradicted(name, 0.9, 0.6)
    assert demoted[0].strength == M and not joins(demoted) and demoted[1] == name[1]


def test_risk():
    assert pair_risk([]) == 0
    assert pair_risk([ev(pb.SIGNAL_TYPE_IP_ADDRESS, W)]) == pytest.approx(0.3)
    assert pair_risk([ev(pb.SIGNAL_TYPE_IP_ADDRESS, W), ev(pb.SIGNAL_TYPE_DEVICE_ID, M)]) == pytest.approx(0.65)
    assert pair_risk([ev(pb.SIGNAL_TYPE_IP_ADDRESS, W, generic=True)]) == pytest.approx(0.03)
    assert pair_risk([ev(pb.SIGNAL_TYPE_EMAIL, S)]) == 1.0


def decide(kind, others=(), owner="", **facts):
    return decide_account(PolicyInput(AccountView("me", kind, owner, 10), tuple(others), **facts),
                          risk_threshold=0.6, face_different_distance=0.6)


@pytest.mark.parametrize(
    ("kind", "others", "owner", "decision", "code"),
    [
        (F, [], "", ALLOW, None),
        (F, [AccountView("o", C, "", 1)], "", ALLOW, "SAME_PERSON_ALLOWED"),
        (F, [AccountView("o", F, "", 1)], "", BLOCK, "DUPLICATE_PERSON"),
        (C, [AccountView("o", C, "", 1)], "", BLOCK, "DUPLICATE_PERSON"),
        (F, [AccountView("o", F, "", 11)], "", REVIEW, "DUPLICATE_PERSON"),
        (F, [AccountView("o", A, "me", 1)], "", ALLOW, None),
        (A, [AccountView("o", F, "", 1)], "o", ALLOW, None),
        (A, [AccountView("o", F, "", 1)], "", REVIEW, "AGENCY_OWNER_MISMATCH"),
    ],
)
def test_one_account_per_person(kind, others, owner, decision, code):
    result = decide(kind, others, owner)
    assert result.decision == decision
    assert (result.reasons[0].code if result.reasons else None) == code


def test_shared_account_and_weak_risk():
    assert decide(F, face_spread=0.8).reasons[0].code == "SHARED_ACCOUNT"
    assert decide(F, face_spread=0.4).decision == ALLOW
    assert decide(F, distinct_documents=2).decision == REVIEW
    assert decide(F, self_contracts=1).reasons[0].code == "FEEDBACK_BUILDING"
    assert decide(F, distinct_identities=2).decision == REVIEW
    assert decide(F, risk_score=0.65).reasons[0].code == "SHARED_WEAK_SIGNAL"
    both = decide(F, [AccountView("o", F, "", 1)], risk_score=0.9)
    assert both.decision == BLOCK and [r.code for r in both.reasons] == ["DUPLICATE_PERSON", "SHARED_WEAK_SIGNAL"]


def test_contracts():
    assert decide_contract(True, 0.0, risk_threshold=0.6).reasons[0].code == "FEEDBACK_BUILDING"
    assert decide_contract(False, 0.7, risk_threshold=0.6).decision == REVIEW
    assert decide_contract(False, 0.3, risk_threshold=0.6).decision == ALLOW


FACE = pb.SIGNAL_TYPE_FACE_EMBEDDING


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ([], False),
        ([ev(FACE, S)], True),
        ([ev(FACE, M)], True),
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_IP_ADDRESS, W), ev(pb.SIGNAL_TYPE_BROWSER_FINGERPRINT, W)], True),
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_CARD_FINGERPRINT, S, generic=True)], True),
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_DEVICE_ID, M)], False),
        ([ev(FACE, M), ev(pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE, M)], False),
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_DOCUMENT_NUMBER, S)], False),
        ([ev(FACE, S, generic=True)], False),
        ([ev(pb.SIGNAL_TYPE_CARD_FINGERPRINT, S)], False),
        # What screening found never turns a face-only hit into a BLOCK on its own.
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_POSTED_DETAIL, M)], True),
        ([ev(FACE, S), ev(pb.SIGNAL_TYPE_PROFILE_TEXT, M)], True),
        ([ev(pb.SIGNAL_TYPE_POSTED_DETAIL, M), ev(pb.SIGNAL_TYPE_PROFILE_TEXT, M)], False),
    ],
)
def test_face_only(evidence, expected):
    assert face_only(evidence) is expected


def test_a_face_alone_reviews_and_a_face_with_another_signal_blocks():
    older, newer = AccountView("o", F, "", 1), AccountView("o", F, "", 11)
    alone = decide(F, [older], face_only=True)
    assert alone.decision == REVIEW and [r.code for r in alone.reasons] == ["DUPLICATE_FACE_ONLY"]
    assert decide(F, [newer], face_only=True).reasons[0].code == "DUPLICATE_FACE_ONLY"
    assert decide(F, [older], face_only=False).decision == BLOCK
    # Another kind of account of the person stays allowed, face or not; other findings still count.
    assert decide(F, [AccountView("o", C, "", 1)], face_only=True).reasons[0].code == "SAME_PERSON_ALLOWED"
    with_contract = decide(F, [older], face_only=True, self_contracts=1)
    assert with_contract.decision == BLOCK
    assert [r.code for r in with_contract.reasons] == ["FEEDBACK_BUILDING", "DUPLICATE_FACE_ONLY"]


def test_an_unusable_identity_signal_is_never_allowed_silently():
    me = AccountView("a", F, seq=1)
    lost = decide_account(PolicyInput(account=me, unusable=((pb.SIGNAL_TYPE_EMAIL, "EMAIL_INVALID"),)),
                          risk_threshold=0.6, face_different_distance=0.6)
    assert lost.decision == REVIEW and [r.code for r in lost.reasons] == ["IDENTITY_SIGNAL_UNUSABLE"]
    assert "EMAIL" in lost.reasons[0].message and "EMAIL_INVALID" in lost.reasons[0].message
    # It adds to a duplicate's BLOCK, never softens it.
    dup = decide_account(PolicyInput(account=me, same_person=[AccountView("b", F, seq=0)],
                                     unusable=((pb.SIGNAL_TYPE_PHONE, "PHONE_INVALID"),)),
                         risk_threshold=0.6, face_different_distance=0.6)
    assert dup.decision == BLOCK and [r.code for r in dup.reasons] == ["DUPLICATE_PERSON", "IDENTITY_SIGNAL_UNUSABLE"]
