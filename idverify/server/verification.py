"""The thin servicer of ``idverify.v1.VerificationService``.

Each method hands the request to a plain function of an engine package with the heavy objects
from :class:`~idverify.server.deps.Dependencies` and returns its response message. Methods not
defined here are answered UNIMPLEMENTED by the generated base class.
"""

from __future__ import annotations

from idverify.documents.reader import read_document
from idverify.errors import Unavailable
from idverify.server.deps import Dependencies
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

__all__ = ["VerificationServicer"]


class VerificationServicer(pb_grpc.VerificationServiceServicer):
    """Routes each RPC to its engine function."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    def ReadDocument(self, request: pb.ReadDocumentRequest, context) -> pb.ReadDocumentResponse:
        """Read a document from its photos (see :func:`idverify.documents.read_document`)."""
        if self._deps.documents is None:
            raise Unavailable("document reading is not set up on this server", reason="DOCUMENTS_UNAVAILABLE")
        return read_document([image.content for image in request.images], self._deps.documents)
