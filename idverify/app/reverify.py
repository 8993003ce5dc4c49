"""Re-verifying one account: re-running its checks from retained images or stored evidence.

What is kept for re-verification (and what is not), decided here:

- **kept**: the declared profile, and the last VerifyIdentity response with every image byte
  removed (:func:`~idverify.app.verification.strip_images`): the document's fields and check
  results, the face distance, decision and quality, the profile match and the reasons. That is
  enough to re-apply a new policy, re-check expiry and age, and re-match a changed declared
  profile.
- **not kept** by default: the raw images. With ``reverify.retain_images`` they are kept for
  ``image_retention_days`` and a re-check re-runs the full face-and-document pipeline on them;
  the worker deletes them when they are older. The selfies the document alone matched are kept
  too (``earlier_selfies`` of them): when a re-check's document leaves the face comparison open
  by distance alone, they are compared with the profile photo and fused (idverify.faces.fusion).

A re-check also asks the linker about the account when a linker is configured, and its reasons
(DUPLICATE_PERSON, SHARED_ACCOUNT, ...) weigh in through the decision policy's one combining rule,
exactly as in a signup.

Where the heavy steps run is the caller's choice: :func:`in_process` builds the application here
and uses its use cases; ``idverify reverify --target`` gives steps that call a server
(:mod:`idverify.cli.remote`). Either way the policy and the time-dependent document checks
(expiry, age) run here: they are pure and read the same configuration as the server.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Protocol

from idverify.app.verification import result_of
from idverify.app.verify_identity import Steps, verify_identity
from idverify.config import Config
from idverify.documents.checks import document_checks
from idverify.documents.settings import DocumentSettings
from idverify.errors import InvalidInput, NotFound
from idverify.reverify.store import Lease, Result, earlier_selfies
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["AccountChecker", "LinkView", "Runtime", "TIME_DEPENDENT", "in_process", "recheck_document"]

#: Document reasons that depend on today's date: recomputed on every re-check.
TIME_DEPENDENT = ("DOCUMENT_EXPIRED", "DOCUMENT_EXPIRING", "UNDERAGE")

_SEVERITY = {pb.VERIFICATION_DECISION_APPROVE: 0, pb.VERIFICATION_DECISION_REVIEW: 1,
             pb.VERIFICATION_DECISION_REJECT: 2}


class _Coded(Protocol):
    code: str


class LinkView(Protocol):
    """What a re-check reads of the linker's answer: a LinkResult or a CheckAccountResponse."""

    decision: int
    reasons: Sequence[_Coded]


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def recheck_document(document: pb.ReadDocumentResponse, settings: DocumentSettings,
                     today: dt.date | None = None) -> pb.ReadDocumentResponse:
    """A stored reading with its expiry and age reasons recomputed for ``today``."""
    today = today or dt.date.today()
    out = pb.ReadDocumentResponse()
    out.CopyFrom(document)
    kept = [r for r in out.reasons if r.code not in TIME_DEPENDENT]
    del out.reasons[:]
    out.reasons.extend(kept)
    findings = document_checks(found=True, any_field_read=True, mrz_found=False, mrz_score=None, mrz_valid=None,
                               failed_check_digits=[], expiry=_date(document.document.expiry_date),
                               birth=_date(document.document.birth_date), mismatched_fields=[],
                               settings=settings, today=today)
    out.reasons.extend(pb.Reason(code=f.code, message=f.message, source="document")
                       for f in findings if f.code in TIME_DEPENDENT)
    return out


#: Re-verifies from images and feeds the linker: ``request -> (verification, link or None)``.
Reverify = Callable[[pb.VerifyIdentityRequest], tuple[pb.VerifyIdentityResponse, "LinkView | None"]]


@dataclass
class Runtime:
    """What a worker needs to check accounts, and how to release it."""

    steps: Steps
    recheck_document: Callable[[pb.ReadDocumentResponse], pb.ReadDocumentResponse]
    check_account: Callable[[str], LinkView] | None
    model_version: str
    close: Callable[[], None]
    #: In-process only: re-verification from retained images that registers what it verified
    #: with the linker, as a signup does (face templates never leave the service, so a worker
    #: calling a server over gRPC cannot do this and only asks CheckAccount).
    reverify: Reverify | None = None


def in_process(config: Config, timeout: float) -> Runtime:
    """Build the application here (models, store, workers) and check accounts with its use cases."""
    from idverify.app import build_application

    app = build_application(config)
    check_account = app.linking.check_account if app.linking.enabled else None
    return Runtime(app.verification.steps(timeout=timeout),
                   functools.partial(recheck_document, settings=config.documents), check_account,
                   app.deps.model_version, app.close,
                   reverify=functools.partial(app.signup.reverify, timeout=timeout))


class AccountChecker:
    """The :class:`~idverify.reverify.worker.Checker` used by ``idverify reverify``."""

    def __init__(
        self,
        steps: Steps,
        executor: Executor,
        recheck_document: Callable[[pb.ReadDocumentResponse], pb.ReadDocumentResponse],
        *,
        check_account: Callable[[str], LinkView] | None = None,
        retained_images: Callable[[str], dict[str, bytes]] | None = None,
        reverify: Reverify | None = None,
    ) -> None:
        self._steps = steps
        self._executor = executor
        self._recheck_document = recheck_document
        self._check_account = check_account
        self._retained_images = retained_images
        self._reverify = reverify

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
            request = pb.VerifyIdentityRequest(
                profile_photo=pb.Image(content=images["profile"], label="profile"),
                document_images=documents, declared=declared, account_id=lease.account_id)
            if self._reverify is not None:
                response, fed = self._reverify(request)
                if fed is not None:
                    self._apply_links(response, fed)
                    response.steps.append("register_account")
                    return result_of(response, declared)
            else:
                response = verify_identity(self._steps, request, self._executor,
                                           earlier_selfies(images, images["profile"]))
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
                response.steps.append("check_account")
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

    def _apply_links(self, response: pb.VerifyIdentityResponse, link: LinkView) -> None:
        """Weigh the linker's reasons against the verification's under the policy's one rule,
        as a signup does: the same ``[effects]`` table decides both."""
        link_reasons = [pb.Reason(code=r.code, message=r.message, source="linker") for r in link.reasons]
        decision, reasons = self._steps.combine([*response.reasons, *link_reasons])
        response.decision = decision
        del response.reasons[:]
        response.reasons.extend(reasons)
