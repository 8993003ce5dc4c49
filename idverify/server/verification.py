"""The thin servicer of ``idverify.v1.VerificationService``.

Each method passes the request and the caller's remaining deadline to the
:class:`~idverify.app.verification.Verification` use cases (Signup: to
:class:`~idverify.app.signup.Signup`, RequestReverification: to
:class:`~idverify.app.reverify_requests.ReverifyRequests` with the caller's client id) and returns their response message; the error interceptor
maps domain errors to statuses.
"""

from __future__ import annotations

import grpc

from idverify.app.reverify_requests import ReverifyRequests
from idverify.app.signup import Signup
from idverify.app.verification import Verification
from idverify.server.calls import current_client, deadline_seconds
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

__all__ = ["VerificationServicer"]


class VerificationServicer(pb_grpc.VerificationServiceServicer):
    """Routes each RPC to its use case."""

    def __init__(self, verification: Verification, signup: Signup,
                 reverify_requests: ReverifyRequests | None = None) -> None:
        self._verification = verification
        self._signup = signup
        self._reverify_requests = reverify_requests

    def CompareFaces(self, request: pb.CompareFacesRequest, context: grpc.ServicerContext) -> pb.CompareFacesResponse:
        """Reference (document or portrait) against probe (profile photo)."""
        return self._verification.compare_faces(request, timeout=deadline_seconds(context))

    def ReadDocument(self, request: pb.ReadDocumentRequest, context: grpc.ServicerContext) -> pb.ReadDocumentResponse:
        """Read a document from its photos."""
        return self._verification.read_document(request, timeout=deadline_seconds(context))

    def MatchProfile(self, request: pb.MatchProfileRequest, context: grpc.ServicerContext) -> pb.MatchProfileResponse:
        """Match a declared profile against document fields and known contact data."""
        return self._verification.match_profile(request)

    def VerifyIdentity(self, request: pb.VerifyIdentityRequest,
                       context: grpc.ServicerContext) -> pb.VerifyIdentityResponse:
        """Read, compare, match and decide."""
        return self._verification.verify_identity(request, timeout=deadline_seconds(context))

    def Signup(self, request: pb.SignupRequest, context: grpc.ServicerContext) -> pb.SignupResponse:
        """Verify, link and decide in one call."""
        return self._signup.signup(request, timeout=deadline_seconds(context))

    def RequestReverification(self, request: pb.RequestReverificationRequest,
                              context: grpc.ServicerContext) -> pb.RequestReverificationResponse:
        """Make a verified account due for re-verification, recorded with the caller and reason."""
        if self._reverify_requests is None:
            raise NotImplementedError  # the interceptor answers UNIMPLEMENTED
        return self._reverify_requests.request(request, current_client())
