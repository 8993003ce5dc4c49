"""The thin servicer of ``idverify.v1.VerificationService``.

Each method hands the request to a plain function of an engine package with the heavy objects
from :class:`~idverify.server.deps.Dependencies` and returns its response message. Methods not
defined here are answered UNIMPLEMENTED by the generated base class.
"""

from __future__ import annotations

import grpc

from idverify.errors import InvalidInput, Unavailable
from idverify.profile.match import match_profile
from idverify.server.deps import Dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

__all__ = ["VerificationServicer"]


class VerificationServicer(pb_grpc.VerificationServiceServicer):
    """Routes each RPC to its engine function."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    def MatchProfile(self, request: pb.MatchProfileRequest, context) -> pb.MatchProfileResponse:
        """Match a declared profile against document fields and known contact data."""
        return match_profile(
            request.declared,
            request.document,
            request.known_emails,
            request.known_phones,
            self._deps.config.profile,
            matcher=self._deps.name_matcher,
        )

    def CompareFaces(self, request: pb.CompareFacesRequest, context: grpc.ServicerContext) -> pb.CompareFacesResponse:
        """Reference (document or portrait) against probe (profile photo): see idverify.faces."""
        faces = self._deps.faces
        if faces is None:
            raise Unavailable("face comparison is not configured on this server", reason="FACES_UNAVAILABLE")
        for name in ("reference", "probe"):
            if not request.HasField(name):
                raise InvalidInput(f"{name} is required", reason="MISSING_FIELD", metadata={"field": name})
        return faces.compare(
            request.reference.content,
            request.probe.content,
            request.reference_kind,
            timeout=_deadline_seconds(context),
        )


def _deadline_seconds(context: grpc.ServicerContext) -> float | None:
    """Seconds left before the caller's deadline; None when the caller set none (grpc then
    reports a remaining time too large for a lock wait)."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < 86_400 else None
    def ReadDocument(self, request: pb.ReadDocumentRequest, context) -> pb.ReadDocumentResponse:
        """Read a document from its photos (see :func:`idverify.documents.read_document`)."""
        if self._deps.documents is None:
            raise Unavailable("document reading is not set up on this server", reason="DOCUMENTS_UNAVAILABLE")
        return self._deps.documents.read([image.content for image in request.images],
                                         timeout=_deadline_seconds(context))
