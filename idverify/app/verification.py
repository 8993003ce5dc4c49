"""The verification use cases: compare faces, read a document, match a profile, verify identity.

:class:`Verification` is built once from the :class:`~idverify.app.dependencies.Dependencies`
and called by the gRPC servicer, the re-verification worker and the benchmarks alike. It checks
that a request can be evaluated at all (domain errors otherwise), runs the engines and, for
VerifyIdentity with an account id, records the result for re-verification and keeps the images
when ``reverify.retain_images`` asks for it. Requests and results are the API's messages: the
engines speak them too, so nothing is translated twice.
"""

from __future__ import annotations

import dataclasses
import functools
from concurrent.futures import ThreadPoolExecutor

from idverify.app.dependencies import Dependencies
from idverify.app.verify_identity import Steps, verify_identity
from idverify.errors import InvalidInput, Unavailable
from idverify.faces.service import FaceService, FaceTemplates
from idverify.policy import combine, decide
from idverify.profile.match import match_profile
from idverify.reverify.schedule import expiry_timestamp
from idverify.reverify.store import Result, selfie_document_key
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["Verification", "result_of", "strip_images"]


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


class Verification:
    """The four verification use cases over the engines in ``deps``."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps
        # VerifyIdentity reads the document while the face step runs; both wait on workers.
        self._fanout = ThreadPoolExecutor(max_workers=8, thread_name_prefix="verify-fanout")
        deps.closers.append(functools.partial(self._fanout.shutdown, wait=False))

    @property
    def policy_version(self) -> str:
        """The version of the decision policy in force."""
        return self._deps.policy.version

    def steps(self, timeout: float | None = None) -> Steps:
        """The four steps of VerifyIdentity as plain functions, each bounded by ``timeout`` s."""
        return Steps(
            read_document=functools.partial(self.read_document, timeout=timeout),
            compare_faces=functools.partial(self.compare_faces, timeout=timeout),
            match_profile=self.match_profile,
            decide=self.decide,
            policy_version=self.policy_version,
            combine=functools.partial(combine, policy=self._deps.policy),
        )

    def decide(self, face: pb.CompareFacesResponse | None, document: pb.ReadDocumentResponse | None,
               profile: pb.MatchProfileResponse | None) -> tuple[int, list[pb.Reason]]:
        """The policy's decision and reasons for the three steps' results."""
        return decide(face, document, profile, self._deps.policy)

    def compare_faces(self, request: pb.CompareFacesRequest, timeout: float | None = None) -> pb.CompareFacesResponse:
        """Reference (document or portrait) against probe (profile photo): see idverify.faces."""
        return self._compare(request, timeout)[0]

    def _compare(self, request: pb.CompareFacesRequest,
                 timeout: float | None) -> tuple[pb.CompareFacesResponse, FaceTemplates]:
        faces = self._faces()
        for name in ("reference", "probe"):
            if not request.HasField(name):
                raise InvalidInput(f"{name} is required", reason="MISSING_FIELD", metadata={"field": name})
        return faces.compare_with_templates(request.reference.content, request.probe.content,
                                            request.reference_kind, timeout=timeout)

    def _faces(self) -> FaceService:
        faces = self._deps.faces
        if faces is None:
            raise Unavailable("face comparison is not configured on this server", reason="FACES_UNAVAILABLE")
        return faces

    def read_document(self, request: pb.ReadDocumentRequest, timeout: float | None = None) -> pb.ReadDocumentResponse:
        """Read a document from its photos (front first): see idverify.documents."""
        documents = self._deps.documents
        if documents is None:
            raise Unavailable("document reading is not configured on this server", reason="DOCUMENTS_UNAVAILABLE")
        return documents.read([image.content for image in request.images], timeout=timeout)

    def match_profile(self, request: pb.MatchProfileRequest) -> pb.MatchProfileResponse:
        """Match a declared profile against document fields and known contact data."""
        return match_profile(request.declared, request.document, request.known_emails, request.known_phones,
                             self._deps.config.profile, matcher=self._deps.name_matcher)

    def verify_identity(self, request: pb.VerifyIdentityRequest,
                        timeout: float | None = None) -> pb.VerifyIdentityResponse:
        """Read, compare, match and decide; record the result when the request names an account."""
        response = verify_identity(self.steps(timeout), request, self._fanout, self.earlier_selfies(request))
        if request.account_id and self._deps.history is not None:
            self._deps.history.record_verification(
                request.account_id, result_of(response, request.declared),
                policy_version=response.policy_version, model_version=self._deps.model_version,
                settings=self._deps.config.reverify, source="verify_identity")
            self.retain_images(request, response)
        return response

    def earlier_selfies(self, request: pb.VerifyIdentityRequest) -> dict[str, list[bytes]]:
        """The account's retained verified selfies other than the request's profile photo, by
        the key of the document that verified them (none without an account id, a history or
        image retention), newest first."""
        history, settings = self._deps.history, self._deps.config.reverify
        if not request.account_id or history is None or not settings.retain_images or settings.earlier_selfies < 1:
            return {}
        probe = request.profile_photo.content  # a selfie compared with its own bytes proves nothing
        return {key: [s for s in selfies if s != probe][:settings.earlier_selfies]
                for key, selfies in history.verified_selfies(request.account_id).items()}

    def verify_with_templates(self, request: pb.VerifyIdentityRequest, timeout: float | None = None,
                              ) -> tuple[pb.VerifyIdentityResponse, FaceTemplates]:
        """Verify without recording anything; also return the embeddings of the comparison that
        counted (the portrait fallback's when it ran), for the linker. They stay in the service."""
        captured: list[FaceTemplates] = []

        def compare(req: pb.CompareFacesRequest) -> pb.CompareFacesResponse:
            response, templates = self._compare(req, timeout)
            if req.reference_kind != pb.REFERENCE_KIND_PORTRAIT:  # an earlier selfie's are not the document's
                captured.append(templates)
            return response

        steps = dataclasses.replace(self.steps(timeout), compare_faces=compare)
        response = verify_identity(steps, request, self._fanout, self.earlier_selfies(request))
        return response, (captured[-1] if captured else FaceTemplates())

    def retain_images(self, request: pb.VerifyIdentityRequest, response: pb.VerifyIdentityResponse) -> None:
        """Keep the request's images for re-verification when ``reverify.retain_images`` is on,
        and its profile photo as a verified selfie when the document alone matched it."""
        history, settings = self._deps.history, self._deps.config.reverify
        if history is None or not settings.retain_images:
            return
        history.retain_image(request.account_id, "profile", request.profile_photo.content)
        for role, image in zip(("document_front", "document_back"), request.document_images):
            history.retain_image(request.account_id, role, image.content)
        # Only the document vouches for a selfie: one matched through an earlier selfie is not
        # kept as verified, so no chain of selfies drifts away from the document's face.
        document = response.document.document
        key = selfie_document_key(document.issuing_country, document.document_number)
        if response.face.reference_decision == pb.FACE_DECISION_MATCH and key is not None:
            history.retain_verified_selfie(request.account_id, request.profile_photo.content,
                                           settings.earlier_selfies, key)
