"""The thin servicer of ``idverify.v1.VerificationService``.

Each method checks the request's required fields, hands it to the engine object built once in
:class:`~idverify.server.deps.Dependencies` (the face and document pipelines run in worker
processes), and returns its response message. VerifyIdentity runs the other three through
:func:`idverify.verify.verify_identity` and records the result for re-verification when the
caller names the account.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

import grpc

from idverify.errors import InvalidInput, Unavailable
from idverify.policy import decide
from idverify.profile.match import match_profile
from idverify.server.deps import Dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from idverify.verify import Steps, verify_identity

__all__ = ["VerificationServicer"]


class VerificationServicer(pb_grpc.VerificationServiceServicer):
    """Routes each RPC to its engine."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps
        # VerifyIdentity reads the document while the face step runs; both wait on workers.
        self._fanout = ThreadPoolExecutor(max_workers=8, thread_name_prefix="verify-fanout")
        deps.closers.append(functools.partial(self._fanout.shutdown, wait=False))

    def steps(self, timeout: float | None = None) -> Steps:
        """The four steps of VerifyIdentity as plain functions (also used by re-verification)."""
        return Steps(
            read_document=functools.partial(self._read_document, timeout=timeout),
            compare_faces=functools.partial(self._compare_faces, timeout=timeout),
            match_profile=self._match_profile,
            decide=functools.partial(_decide, policy=self._deps.policy),
            policy_version=self._deps.policy.version,
        )

    def CompareFaces(self, request: pb.CompareFacesRequest, context: grpc.ServicerContext) -> pb.CompareFacesResponse:
        """Reference (document or portrait) against probe (profile photo): see idverify.faces."""
        return self._compare_faces(request, timeout=_deadline_seconds(context))

    def ReadDocument(self, request: pb.ReadDocumentRequest, context: grpc.ServicerContext) -> pb.ReadDocumentResponse:
        """Read a document from its photos: see idverify.documents."""
        return self._read_document(request, timeout=_deadline_seconds(context))

    def MatchProfile(self, request: pb.MatchProfileRequest, context: grpc.ServicerContext) -> pb.MatchProfileResponse:
        """Match a declared profile against document fields and known contact data."""
        return self._match_profile(request)

    def VerifyIdentity(self, request: pb.VerifyIdentityRequest,
                       context: grpc.ServicerContext) -> pb.VerifyIdentityResponse:
        """Read, compare, match and decide: see idverify.verify."""
        response = verify_identity(self.steps(_deadline_seconds(context)), request, self._fanout)
        history = self._deps.history
        if request.account_id and history is not None:
            from idverify.reverify.checks import result_of

            history.record_verification(
                request.account_id, result_of(response, request.declared),
                policy_version=response.policy_version, model_version=self._deps.model_version,
                settings=self._deps.config.reverify, source="verify_identity")
            if self._deps.config.reverify.retain_images:
                history.retain_image(request.account_id, "profile", request.profile_photo.content)
                for role, image in zip(("document_front", "document_back"), request.document_images):
                    history.retain_image(request.account_id, role, image.content)
        return response

    # ---- the engines --------------------------------------------------------------------------
    def _compare_faces(self, request: pb.CompareFacesRequest, timeout: float | None) -> pb.CompareFacesResponse:
        faces = self._deps.faces
        if faces is None:
            raise Unavailable("face comparison is not configured on this server", reason="FACES_UNAVAILABLE")
        for name in ("reference", "probe"):
            if not request.HasField(name):
                raise InvalidInput(f"{name} is required", reason="MISSING_FIELD", metadata={"field": name})
        return faces.compare(request.reference.content, request.probe.content, request.reference_kind,
                             timeout=timeout)

    def _read_document(self, request: pb.ReadDocumentRequest, timeout: float | None) -> pb.ReadDocumentResponse:
        documents = self._deps.documents
        if documents is None:
            raise Unavailable("document reading is not configured on this server", reason="DOCUMENTS_UNAVAILABLE")
        return documents.read([image.content for image in request.images], timeout=timeout)

    def _match_profile(self, request: pb.MatchProfileRequest) -> pb.MatchProfileResponse:
        return match_profile(request.declared, request.document, request.known_emails, request.known_phones,
                             self._deps.config.profile, matcher=self._deps.name_matcher)


def _decide(face, document, profile, *, policy):
    return decide(face, document, profile, policy)


def _deadline_seconds(context: grpc.ServicerContext) -> float | None:
    """Seconds left before the caller's deadline; None when the caller set none (grpc then
    reports a remaining time too large for a lock wait)."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < 86_400 else None
