"""The thin servicer of ``idverify.v1.VerificationService``.

Each method hands the request to a plain function of an engine package with the heavy objects
from :class:`~idverify.server.deps.Dependencies` and returns its response message. Methods not
defined here are answered UNIMPLEMENTED by the generated base class.
"""

from __future__ import annotations

from idverify.server.deps import Dependencies
from idverify.v1 import verification_service_pb2_grpc as pb_grpc

__all__ = ["VerificationServicer"]


class VerificationServicer(pb_grpc.VerificationServiceServicer):
    """Routes each RPC to its engine function."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps
