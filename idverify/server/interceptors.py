"""The one place where exceptions become gRPC statuses, and where every call is observed.

Every unary call passes through :class:`ErrorInterceptor`, which first runs the call guards
(authentication, rate limits, admission: :mod:`idverify.server.auth`,
:mod:`idverify.server.limits`), then the servicer, then records metrics and one access-log line
(method, status, duration, client, request id: never request content). On the way:

- a request that does not parse as its protobuf message (including invalid UTF-8 in a string)
  is refused with INVALID_ARGUMENT and reason ``MALFORMED_REQUEST`` (grpcio would otherwise
  answer INTERNAL); one that breaks a generic limit (:mod:`idverify.server.validation`: string
  length, item count, non-finite floats) with INVALID_ARGUMENT and its reason;
- an :class:`~idverify.errors.IdverifyError` becomes its status code, with a
  ``google.rpc.ErrorInfo`` detail carrying the machine-readable reason (grpcio-status);
- an RPC whose servicer method is not built yet becomes UNIMPLEMENTED (``NOT_IMPLEMENTED``);
- anything else becomes INTERNAL with the request id and no internals (the traceback is logged
  on the server, never sent).

Each call gets a request id (the caller's ``x-request-id`` metadata, or a new one), returned in
the trailing metadata and in every ErrorInfo, so a caller can quote it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from idverify.errors import ERROR_DOMAIN, IdverifyError, InvalidInput
from idverify.server.calls import CURRENT_CALL, CallInfo, is_open_method
from idverify.metrics import Metrics
from idverify.server.validation import validate_request

__all__ = ["ErrorInterceptor", "Guard", "REQUEST_ID_KEY", "abort_with_error"]

log = logging.getLogger(__name__)

REQUEST_ID_KEY = "x-request-id"
_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


#: A call guard: given the call, a context manager entered around the servicer.
Guard = Callable[[CallInfo], AbstractContextManager[None]]


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


def _request_id(metadata: dict[str, str]) -> str:
    value = metadata.get(REQUEST_ID_KEY, "")
    return value if _REQUEST_ID_OK.match(value) else uuid.uuid4().hex


class ErrorInterceptor(grpc.ServerInterceptor):
    """Guards, error mapping, metrics and access logs for every unary-unary method.

    ``guards`` are context-manager factories run in order before the servicer (authentication,
    rate limits, admission); each may raise an :class:`IdverifyError` to refuse the call.
    """

    def __init__(self, guards: Sequence[Guard] = (), metrics: Metrics | None = None) -> None:
        self._guards = tuple(guards)
        self._metrics = metrics

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
            started = time.perf_counter()
            metadata = _metadata(context)
            call = CallInfo(method=method, request_id=_request_id(metadata), metadata=metadata, context=context,
                            request=None if isinstance(request, _Malformed) else request)
            context.set_trailing_metadata(((REQUEST_ID_KEY, call.request_id),))
            code, reason, response = "OK", "", None
            try:
                with contextlib.ExitStack() as stack:
                    for guard in self._guards:
                        stack.enter_context(guard(call))
                    if isinstance(request, _Malformed):
                        raise InvalidInput(
                            f"the request is not a valid message for {method} ({request.detail})",
                            reason="MALFORMED_REQUEST",
                        )
                    if isinstance(request, Message):
                        validate_request(request)
                    token = CURRENT_CALL.set(call)
                    try:
                        response = inner(request, context)
                    finally:
                        CURRENT_CALL.reset(token)
                    return response
            except IdverifyError as exc:
                code, reason = exc.status.name, exc.reason
                log.info("call refused", extra={"method": method, "request_id": call.request_id,
                                                "client": call.client_id, "reason": exc.reason,
                                                "status": code})
                abort_with_error(context, exc, call.request_id)
            except NotImplementedError:
                code, reason = "UNIMPLEMENTED", "NOT_IMPLEMENTED"
                abort_with_error(
                    context,
                    _NotImplemented(f"{method} is not implemented by this server yet",
                                    reason="NOT_IMPLEMENTED"),
                    call.request_id,
                )
            except Exception:
                if context.code() not in (None, grpc.StatusCode.OK):
                    code = context.code().name
                    raise  # the servicer aborted the call itself; keep its status
                code, reason = "INTERNAL", "INTERNAL"
                log.exception("internal error", extra={"method": method, "request_id": call.request_id})
                abort_with_error(
                    context,
                    IdverifyError(f"internal error; quote request id {call.request_id}", reason="INTERNAL"),
                    call.request_id,
                )
            finally:
                seconds = time.perf_counter() - started
                if self._metrics is not None:
                    self._metrics.observe_call(method, code, seconds, response, reason)
                if not is_open_method(method):
                    log.info("call", extra={"method": method, "request_id": call.request_id,
                                            "client": call.client_id, "status": code,
                                            "duration_ms": round(seconds * 1000, 1)})
            return None  # unreachable: abort raises

        return grpc.unary_unary_rpc_method_handler(
            behaviour,
            request_deserializer=safe_deserialize,
            response_serializer=handler.response_serializer,
        )


def _metadata(context: grpc.ServicerContext) -> dict[str, str]:
    return {k: v for k, v in (context.invocation_metadata() or ()) if isinstance(v, str)}


class _NotImplemented(IdverifyError):
    status = grpc.StatusCode.UNIMPLEMENTED
    default_reason = "NOT_IMPLEMENTED"
