"""The thin servicer of ``linker.v1.LinkingService``.

Methods not defined here are answered UNIMPLEMENTED by the generated base class.
"""

from __future__ import annotations

from linker.v1 import linking_service_pb2_grpc as pb_grpc

__all__ = ["LinkingServicer"]


class LinkingServicer(pb_grpc.LinkingServiceServicer):
    """Routes each RPC to the linking engine."""

    def __init__(self, deps) -> None:
        self._deps = deps
