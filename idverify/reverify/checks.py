"""Re-running the checks of one account, from retained images or from stored evidence.

What is kept for re-verification (and what is not), decided here:

- **kept**: the declared profile, and the last VerifyIdentity response with every image byte
  removed (:func:`strip_images`): the document's fields and check results, the face distance,
  decision and quality, the profile match and the reasons. That is enough to re-apply a new
  policy, re-check expiry and age, and re-match a changed declared profile.
- **not kept** by default: the raw images. With ``reverify.retain_images`` they are kept for
  ``image_retention_days`` and a re-check re-runs the full face-and-document pipeline on them;
  the worker deletes them when they are older.

A re-check also asks the linker about the account (``CheckAccount`` by id) when a linker is
configured: a BLOCK there turns the result into REJECT, a REVIEW into at least REVIEW.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

from idverify.errors import InvalidInput, NotFound
from idverify.reverify.schedule import expiry_timestamp
from idverify.reverify.store import Lease, Result
from idverify.v1 import verification_service_pb2 as pb
from idverify.verify import Steps, verify_identity
from linker.v1 import linking_service_pb2 as lpb

__all__ = ["AccountChecker", "result_of", "strip_images"]

_SEVERITY = {pb.VERIFICATION_DECISION_APPROVE: 0, pb.VERIFICATION_DECISION_REVIEW: 1,
             pb.VERIFICATION_DECISION_REJECT: 2}


def strip_images(response: pb.VerifyIdentityResponse) -> pb.VerifyIdentityResponse:
    """A copy of ``response`` with no image bytes (the cropped portrait), for storage."""
    copy = pb.VerifyIdentityResponse()
    copy.CopyFrom(response)
    copy.document.ClearField("portrait_png")
    return copy


def result_of(response: pb.VerifyIdentityResponse, declared: pb.DeclaredProfile) -> Result:
    """The store's record of a verification: decision, reason codes, expiry and the evidence."""
    return Result(
        decision=response.decision,
        reasons=tuple(r.code for r in response.reasons),
        document_expiry=expiry_timestamp(response.document.document.expiry_date),
        declared=declared.SerializeToString(),
        evidence=strip_images(response).SerializeToString(),
    )


class AccountChecker:
    """The :class:`~idverify.reverify.worker.Checker` used by ``idverify reverify``."""

    def __init__(
        self,
        steps: Steps,
        executor: Executor,
        recheck_document: Callable[[pb.ReadDocumentResponse], pb.ReadDocumentResponse],
        *,
        check_account: Callable[[str], lpb.CheckAccountResponse] | None = None,
        retained_images: Callable[[str], dict[str, bytes]] | None = None,
    ) -> None:
        self._steps = steps
        self._executor = executor
        self._recheck_document = recheck_document
        self._check_account = check_account
        self._retained_images = retained_images

    def check(self, lease: Lease, due: tuple[str, ...]) -> Result:
        """Re-check the leased account; raises InvalidInput when nothing is stored to check."""
        if lease.declared is None:
            raise InvalidInput("no declared profile is stored for the account", reason="EVIDENCE_MISSING")
        declared = pb.DeclaredProfile.FromString(lease.declared)
        images = self._retained_images(lease.account_id) if self._retained_images else {}
        if "profile" in images and "document_front" in images:
            documents = [pb.Image(content=images["document_front"], label="front")]
            if "document_back" in images:
                documents.append(pb.Image(content=images["document_back"], label="back"))
            response = verify_identity(self._steps, pb.VerifyIdentityRequest(
                profile_photo=pb.Image(content=images["profile"], label="profile"),
                document_images=documents, declared=declared, account_id=lease.account_id), self._executor)
        elif lease.evidence is not None:
            response = self._from_evidence(pb.VerifyIdentityResponse.FromString(lease.evidence), declared)
        else:
            raise InvalidInput("no evidence or images are stored for the account", reason="EVIDENCE_MISSING")
        if self._check_account is not None:
            try:
                link = self._check_account(lease.account_id)
            except NotFound:
                link = None  # the account was never registered with the linker: nothing to check
            if link is not None:
                self._apply_links(response, link)
        return result_of(response, declared)

    def _from_evidence(self, evidence: pb.VerifyIdentityResponse,
                       declared: pb.DeclaredProfile) -> pb.VerifyIdentityResponse:
        document = self._recheck_document(evidence.document)
        profile = self._steps.match_profile(pb.MatchProfileRequest(declared=declared, document=document.document))
        decision, reasons = self._steps.decide(evidence.face, document, profile)
        return pb.VerifyIdentityResponse(
            decision=decision, reasons=reasons, document=document, face=evidence.face, profile=profile,
            steps=["stored_evidence", "recheck_document", "match_profile", "policy"],
            policy_version=self._steps.policy_version,
        )

    @staticmethod
    def _apply_links(response: pb.VerifyIdentityResponse, link: lpb.CheckAccountResponse) -> None:
        if link.decision == lpb.LINK_DECISION_BLOCK:
            floor, code = pb.VERIFICATION_DECISION_REJECT, "LINK_BLOCK"
        elif link.decision == lpb.LINK_DECISION_REVIEW:
            floor, code = pb.VERIFICATION_DECISION_REVIEW, "LINK_REVIEW"
        else:
            return
        detail = ", ".join(r.code for r in link.reasons) or "linked accounts"
        response.reasons.append(pb.Reason(code=code, message=f"the linker says {detail}", source="linker"))
        if _SEVERITY.get(response.decision, 0) < _SEVERITY[floor]:
            response.decision = floor
        response.steps.append("check_account")
