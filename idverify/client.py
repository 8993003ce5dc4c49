"""Helpers for Python callers of the service: the machine-readable reason of a failed call.

    try:
        stub.VerifyIdentity(request, timeout=30)
    except grpc.RpcError as err:
        print(err.code(), error_reason(err))   # e.g. INVALID_ARGUMENT IMAGE_UNREADABLE
"""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

__all__ = ["error_info", "error_reason"]


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo | None:
    """The ErrorInfo of a failed call (reason and metadata such as ``field``), or None."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    if status is None:
        return None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    return None


def error_reason(error: grpc.RpcError) -> str | None:
    """The ErrorInfo reason of a failed call, or None when the server sent none."""
    info = error_info(error)
    return info.reason if info is not None else None
