"""Apply the decision policy to the sub-results of a verification.

:func:`decide` gathers the reasons of the face comparison, the document reading and the profile
match, adds the reasons that follow from their verdicts (FACE_MISMATCH for a NO_MATCH face,
FACE_INCONCLUSIVE, NO_FACE_ON_PROFILE_PHOTO and NO_FACE_ON_DOCUMENT for a missing face on
either side, LOW_QUALITY for a selected face of unacceptable quality, and FACE_NOT_COMPARED,
DOCUMENT_NOT_READ, PROFILE_NOT_MATCHED for a step that did not run), looks up each code's
effect in the :class:`~idverify.policy.rules.Policy`, and returns the most severe effect as
the decision with the reasons ordered most severe first. Measuring happened in the steps;
this module only decides. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from idverify.policy.rules import EFFECT_SEVERITY, Policy
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["combine", "decide"]

_DECISION = {0: pb.VERIFICATION_DECISION_APPROVE, 1: pb.VERIFICATION_DECISION_REVIEW, 2: pb.VERIFICATION_DECISION_REJECT}
_NO_FACE = {"NO_FACE", "NO_FACE_FOUND"}


def decide(
    face: pb.CompareFacesResponse | None,
    document: pb.ReadDocumentResponse | None,
    profile: pb.MatchProfileResponse | None,
    policy: Policy,
    extra_reasons: Sequence[pb.Reason] = (),
) -> tuple[pb.VerificationDecision.ValueType, list[pb.Reason]]:
    """The decision (APPROVE / REVIEW / REJECT) and its reasons, most severe first.

    ``None`` for a step means it could not run (FACE_NOT_COMPARED, DOCUMENT_NOT_READ,
    PROFILE_NOT_MATCHED). ``extra_reasons`` lets the caller add findings of its own, for
    example DOCUMENT_UNREADABLE when ReadDocument refused the images. A code appears once (the
    first occurrence wins). With no reason at all the decision is APPROVE.
    """
    reasons: list[pb.Reason] = []
    reasons += _face_reasons(face)
    if document is None:
        reasons.append(_reason("DOCUMENT_NOT_READ", "the document was not read", "policy"))
    else:
        reasons += _sourced(document.reasons, "document")
    if profile is None:
        reasons.append(_reason("PROFILE_NOT_MATCHED", "the declared profile was not matched", "policy"))
    else:
        reasons += _sourced(profile.reasons, "profile")
    reasons += extra_reasons
    return combine(reasons, policy)


def combine(
    reasons: Iterable[pb.Reason], policy: Policy
) -> tuple[pb.VerificationDecision.ValueType, list[pb.Reason]]:
    """The most severe effect of ``reasons`` as the decision, and the reasons most severe first,
    each once (the first occurrence of a code wins) and each naming the rule that set its effect.

    The one combining rule: VerifyIdentity applies it to the steps' reasons, Signup to those and
    the linker's (DUPLICATE_PERSON, SHARED_ACCOUNT, FEEDBACK_BUILDING, ...), so how a link finding
    weighs against a verification finding is written in the same ``[effects]`` table.
    """
    unique: dict[str, pb.Reason] = {}
    for reason in reasons:
        unique.setdefault(reason.code, reason)
    ranked = sorted(unique.values(), key=lambda r: -EFFECT_SEVERITY[policy.effect_of(r.code)])
    out = []
    for reason in ranked:
        copy = pb.Reason()
        copy.CopyFrom(reason)
        copy.rule = policy.rule_of(reason.code)
        out.append(copy)
    worst = max((EFFECT_SEVERITY[policy.effect_of(r.code)] for r in out), default=0)
    return _DECISION[worst], out


def _face_reasons(face: pb.CompareFacesResponse | None) -> list[pb.Reason]:
    if face is None:
        return [_reason("FACE_NOT_COMPARED", "the faces were not compared", "policy")]
    out: list[pb.Reason] = []
    for side, analysis, no_face_code in (
        ("profile photo", face.probe, "NO_FACE_ON_PROFILE_PHOTO"),
        ("document", face.reference, "NO_FACE_ON_DOCUMENT"),
    ):
        for reason in analysis.reasons:
            code = no_face_code if reason.code in _NO_FACE else reason.code
            out.append(_reason(code, f"{side}: {reason.message}" if reason.message else side, reason.source or "face"))
        selected = analysis.selected_face_index
        if 0 <= selected < len(analysis.faces):
            quality = analysis.faces[selected].quality
            if analysis.faces[selected].HasField("quality") and not quality.acceptable:
                codes = ", ".join(r.code for r in quality.reasons) or "below the thresholds"
                out.append(_reason("LOW_QUALITY", f"{side}: face quality {codes}", "face"))
    # CompareFacesResponse.reasons repeats the images' reasons when a side has no usable face;
    # those were attributed to their side above.
    seen = {(r.code, r.message) for r in (*face.probe.reasons, *face.reference.reasons)}
    for reason in face.reasons:
        if (reason.code, reason.message) in seen:
            continue
        code = reason.code
        if code in _NO_FACE:
            code = "NO_FACE_ON_PROFILE_PHOTO" if not face.probe.faces else "NO_FACE_ON_DOCUMENT"
        out.append(_reason(code, reason.message, reason.source or "face"))
    # The comparison names its verdict itself when it measured a distance (FACE_MISMATCH,
    # FACE_INCONCLUSIVE, with the thresholds); otherwise (no usable face) it is added here.
    # Either way the code follows the decision: a fused MATCH keeps neither.
    given = {r.code for r in out}
    distance = f"distance {face.distance:.3f}" if face.has_distance else "no distance measured"
    if face.decision == pb.FACE_DECISION_NO_MATCH and "FACE_MISMATCH" not in given:
        out.append(_reason("FACE_MISMATCH", f"different people: {distance}", "face"))
    elif face.decision != pb.FACE_DECISION_MATCH and "FACE_INCONCLUSIVE" not in given:
        out.append(_reason("FACE_INCONCLUSIVE", f"inconclusive: {distance}", "face"))
    return out


def _sourced(reasons: Iterable[pb.Reason], source: str) -> list[pb.Reason]:
    return [_reason(r.code, r.message, r.source or source) for r in reasons]


def _reason(code: str, message: str, source: str) -> pb.Reason:
    return pb.Reason(code=code, message=message, source=source)
