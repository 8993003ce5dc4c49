"""Re-verification steps that call a server (``idverify reverify --target host:port``).

The same :class:`~idverify.app.reverify.Runtime` as :func:`~idverify.app.reverify.in_process`,
with ReadDocument, CompareFaces, MatchProfile and CheckAccount answered by the server; the policy
and the time-dependent document checks run here. gRPC failures are translated into domain errors
where they enter, so UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED are retried with
backoff by the worker.
"""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager

import grpc

from idverify import errors
from idverify.app.dependencies import model_version
from idverify.app.reverify import Runtime, recheck_document
from idverify.app.verify_identity import Steps
from idverify.client import error_reason
from idverify.config import Config
from idverify.policy import combine, decide, load_policy
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

__all__ = ["remote"]

_STATUS_ERRORS = {
    grpc.StatusCode.UNAVAILABLE: errors.Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: errors.DeadlineExceeded,
    grpc.StatusCode.RESOURCE_EXHAUSTED: errors.ResourceExhausted,
    grpc.StatusCode.INVALID_ARGUMENT: errors.InvalidInput,
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.FAILED_PRECONDITION: errors.FailedPrecondition,
    grpc.StatusCode.UNAUTHENTICATED: errors.Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
}


def remote(config: Config, target: str, timeout: float, api_key: str = "", *, link_checks: bool = True,
           credentials: grpc.ChannelCredentials | None = None) -> Runtime:
    """Call the server at ``target`` for the heavy steps; apply the policy here."""
    channel = grpc.secure_channel(target, credentials) if credentials else grpc.insecure_channel(target)
    metadata = (("authorization", f"Bearer {api_key}"),) if api_key else ()
    verification = pb_grpc.VerificationServiceStub(channel)
    linking = lpb_grpc.LinkingServiceStub(channel)
    policy = load_policy(config.policy.path)

    def call(method):
        def run(request):
            with _translated():
                return method(request, timeout=timeout, metadata=metadata)
        return run

    steps = Steps(
        read_document=call(verification.ReadDocument),
        compare_faces=call(verification.CompareFaces),
        match_profile=call(verification.MatchProfile),
        decide=lambda face, document, profile: decide(face, document, profile, policy),
        policy_version=policy.version,
        combine=functools.partial(combine, policy=policy),
    )
    check = call(linking.CheckAccount)
    check_account = (lambda account_id: check(lpb.CheckAccountRequest(account_id=account_id))) if link_checks else None
    return Runtime(steps, functools.partial(recheck_document, settings=config.documents), check_account,
                   model_version(config), channel.close)


class _translated(AbstractContextManager):
    """Turn a grpc.RpcError into the domain error of its status code."""

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, grpc.RpcError):
            code = exc.code()  # type: ignore[attr-defined]
            cls = _STATUS_ERRORS.get(code, errors.IdverifyError)
            raise cls(f"server answered {code.name}: {exc.details()}",  # type: ignore[attr-defined]
                      reason=error_reason(exc) or code.name) from exc
        return False
