"""The one place where exceptions become gRPC statuses.

Every unary call passes through :class:`ErrorInterceptor`:

- a request that does not parse as its protobuf message is refused with INVALID_ARGUMENT and
  reason ``MALFORMED_REQUEST`` (grpcio would otherwise answer INTERNAL);
- an :class:`~idverify.errors.IdverifyError` becomes its status code, with a
  ``google.rpc.ErrorInfo`` detail carrying the machine-readable reason (grpcio-status);
- an RPC whose servicer method is not built yet becomes UNIMPLEMENTED (``NOT_IMPLEMENTED``);
- anything else becomes INTERNAL with the request id and no internals (the traceback is logged
  on the server, never sent).

Each call gets a request id (the caller's ``x-request-id`` metadata, or a new one), returned in
the trailing metadata and in every ErrorInfo, so a caller can quote it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from idverify.errors import ERROR_DOMAIN, IdverifyError, InvalidInput

__all__ = ["ErrorInterceptor", "REQUEST_ID_KEY", "abort_with_error"]

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-request-id"
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class _Malformed:
    """Stands in for a request whose bytes did not parse, so the behaviour can refuse it."""

    __slots__ = ("detail",)

    def __init__(self, detail: str) -> None:
        self.detail = detail


def abort_with_error(context: grpc.ServicerContext, error: IdverifyError, request_id: str) -> None:
    """Abort the call with ``error``'s status, message and an ErrorInfo detail (raises)."""
    info = error_details_pb2.ErrorInfo(
        reason=error.reason,
        domain=ERROR_DOMAIN,
        metadata={**error.metadata, "request_id": request_id},
    )
    detail = any_pb2.Any()
    detail.Pack(info)
    status = status_pb2.Status(code=error.status.value[0], message=error.message, details=[detail])
    context.abort_with_status(rpc_status.to_status(status))


def _request_id(context: grpc.ServicerContext) -> str:
    for key, value in context.invocation_metadata() or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and _REQUEST_ID_OK.match(value):
            return value
    return uuid.uuid4().hex


class ErrorInterceptor(grpc.ServerInterceptor):
    """Map exceptions to statuses for every unary-unary method (see the module docstring)."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        method = handler_call_details.method
        inner = handler.unary_unary
        deserialize = handler.request_deserializer

        def safe_deserialize(data: bytes) -> Any:
            if deserialize is None:
                return data
            try:
                return deserialize(data)
            except Exception as exc:  # protobuf raises DecodeError, but be total here
                return _Malformed(type(exc).__name__)

        def behaviour(request: Any, context: grpc.ServicerContext) -> Any:
            request_id = _request_id(context)
            context.set_trailing_metadata(((REQUEST_ID_KEY, request_id),))
            try:
                if isinstance(request, _Malformed):
                    raise InvalidInput(
                        f"the request is not a valid message for {method} ({request.detail})",
                        reason="MALFORMED_REQUEST",
                    )
                return inner(request, context)
            except IdverifyError as exc:
                log.info("call refused", extra={"method": method, "request_id": request_id,
                                                "reason": exc.reason, "status": exc.status.name})
                abort_with_error(context, exc, request_id)
            except NotImplementedError:
                abort_with_error(
                    context,
                    _NotImplemented(f"{method} is not implemented by this server yet",
                                    reason="NOT_IMPLEMENTED"),
                    request_id,
                )
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    raise  # the servicer aborted the call itself; keep its status
                log.exception("internal error", extra={"method": method, "request_id": request_id})
                abort_with_error(
                    context,
                    IdverifyError(f"internal error; quote request id {request_id}", reason="INTERNAL"),
                    request_id,
                )
            return None  # unreachable: abort raises

        return grpc.unary_unary_rpc_method_handler(
            behaviour,
            request_deserializer=safe_deserialize,
            response_serializer=handler.response_serializer,
        )


class _NotImplemented(IdverifyError):
    status = grpc.StatusCode.UNIMPLEMENTED
    default_reason = "NOT_IMPLEMENTED"
