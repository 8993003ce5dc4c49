"""Where a worker's checks run: in this process, or on a server over gRPC (``--target``).

Both give the same :class:`~idverify.verify.Steps` plus a linker check, so
:class:`~idverify.reverify.checks.AccountChecker` does not know which it has. The decision
policy and the time-dependent document checks (expiry, age) always run here: they are pure and
read the same configuration as the server. gRPC failures are translated into domain errors, so
UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED are retried with backoff.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import grpc

from idverify import errors
from idverify.config import Config
from idverify.documents.checks import document_checks
from idverify.documents.settings import DocumentSettings
from idverify.policy import decide, load_policy
from idverify.server.deps import model_version
from idverify.v1 import verification_service_pb2 as pb
from idverify.v1 import verification_service_pb2_grpc as pb_grpc
from idverify.verify import Steps
from linker.v1 import linking_service_pb2 as lpb
from linker.v1 import linking_service_pb2_grpc as lpb_grpc

__all__ = ["Runtime", "in_process", "recheck_document", "remote"]

#: Document reasons that depend on today's date: recomputed on every re-check.
TIME_DEPENDENT = ("DOCUMENT_EXPIRED", "DOCUMENT_EXPIRING", "UNDERAGE")

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


def _date(iso: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def recheck_document(document: pb.ReadDocumentResponse, settings: DocumentSettings,
                     today: dt.date | None = None) -> pb.ReadDocumentResponse:
    """A stored reading with its expiry and age reasons recomputed for ``today``."""
    today = today or dt.date.today()
    out = pb.ReadDocumentResponse()
    out.CopyFrom(document)
    kept = [r for r in out.reasons if r.code not in TIME_DEPENDENT]
    del out.reasons[:]
    out.reasons.extend(kept)
    findings = document_checks(found=True, any_field_read=True, mrz_found=False, mrz_score=None, mrz_valid=None,
                               failed_check_digits=[], expiry=_date(document.document.expiry_date),
                               birth=_date(document.document.birth_date), mismatched_fields=[],
                               settings=settings, today=today)
    out.reasons.extend(pb.Reason(code=f.code, message=f.message, source="document")
                       for f in findings if f.code in TIME_DEPENDENT)
    return out


@dataclass
class Runtime:
    """What a worker needs to check accounts, and how to release it."""

    steps: Steps
    recheck_document: Callable[[pb.ReadDocumentResponse], pb.ReadDocumentResponse]
    check_account: Callable[[str], lpb.CheckAccountResponse] | None
    model_version: str
    close: Callable[[], None]


def in_process(config: Config, timeout: float) -> Runtime:
    """Load the models and open the store here, and run every step in this process's workers."""
    from idverify.server.deps import build_dependencies
    from idverify.server.verification import VerificationServicer
    from linker.service import LinkingServicer

    deps = build_dependencies(config)
    steps = VerificationServicer(deps).steps(timeout=timeout)
    check_account = None
    if deps.linker is not None:
        linking = LinkingServicer(deps)
        check_account = lambda account_id: linking.CheckAccount(  # noqa: E731
            lpb.CheckAccountRequest(account_id=account_id), None)
    return Runtime(steps, functools.partial(recheck_document, settings=config.documents), check_account,
                   deps.model_version, deps.close)


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
    )
    check = call(linking.CheckAccount)
    check_account = (lambda account_id: check(lpb.CheckAccountRequest(account_id=account_id))) if link_checks else None
    return Runtime(steps, functools.partial(recheck_document, settings=config.documents), check_account,
                   model_version(config), channel.close)


class _translated(AbstractContextManager):
    """Turn a grpc.RpcError into the domain error of its status code."""

    def __exit__(self, exc_type, exc, tb):
        if isinstance(exc, grpc.RpcError):
            from idverify.client import error_reason

            code = exc.code()  # type: ignore[attr-defined]
            cls = _STATUS_ERRORS.get(code, errors.IdverifyError)
            raise cls(f"server answered {code.name}: {exc.details()}",  # type: ignore[attr-defined]
                      reason=error_reason(exc) or code.name) from exc
        return False
