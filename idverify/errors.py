"""Domain exceptions and the gRPC status each one stands for.

Every error that crosses the API boundary is an :class:`IdverifyError`. Each subclass carries the
gRPC status code it maps to; each instance carries a machine-readable ``reason`` (UPPER_SNAKE,
sent to the caller as ``google.rpc.ErrorInfo.reason``), a readable ``message`` and optional
``metadata`` (string to string, never personal data). The one interceptor in
:mod:`idverify.server.errors` turns them into statuses; anything else becomes INTERNAL with no
internals leaked.

    IdverifyError                      INTERNAL
    ├── InvalidInput                   INVALID_ARGUMENT   (malformed request, bad field)
    │   └── ImageRejected              INVALID_ARGUMENT   (IMAGE_UNREADABLE, IMAGE_TOO_LARGE, ...)
    ├── NotFound                       NOT_FOUND
    ├── AlreadyExists                  ALREADY_EXISTS
    ├── FailedPrecondition             FAILED_PRECONDITION
    ├── ResourceExhausted              RESOURCE_EXHAUSTED (queue full, rate limit)
    ├── Unauthenticated                UNAUTHENTICATED
    ├── PermissionDenied               PERMISSION_DENIED
    ├── DeadlineExceeded               DEADLINE_EXCEEDED
    ├── Unavailable                    UNAVAILABLE        (store or worker pool down; retry)
    ├── DataLoss                       DATA_LOSS          (a stored value is corrupt; do not retry)
    └── ConfigError                    (start-up only: invalid configuration, never sent)

A mismatch is a result, not an error (house rule 1): raise only when a request cannot be
evaluated at all.
"""

from __future__ import annotations

from collections.abc import Mapping

import grpc

__all__ = [
    "AlreadyExists",
    "ConfigError",
    "DataLoss",
    "DeadlineExceeded",
    "FailedPrecondition",
    "IdverifyError",
    "ImageRejected",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
]

#: ErrorInfo.domain for every error this service raises.
ERROR_DOMAIN = "idverify"


class IdverifyError(Exception):
    """Base of all domain errors; ``status`` is the gRPC status code it maps to."""

    status: grpc.StatusCode = grpc.StatusCode.INTERNAL
    default_reason: str = "INTERNAL"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.default_reason
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in (metadata or {}).items()}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reason={self.reason!r}, message={self.message!r})"


class InvalidInput(IdverifyError):
    """The request is malformed: a missing or invalid field (INVALID_ARGUMENT)."""

    status = grpc.StatusCode.INVALID_ARGUMENT
    default_reason = "INVALID_ARGUMENT"


class ImageRejected(InvalidInput):
    """An image cannot be used at all: unreadable, too large, too small, unsupported."""

    default_reason = "IMAGE_UNREADABLE"


class NotFound(IdverifyError):
    """A named entity (account, person, case) does not exist (NOT_FOUND)."""

    status = grpc.StatusCode.NOT_FOUND
    default_reason = "NOT_FOUND"


class AlreadyExists(IdverifyError):
    """The entity to create exists already and the call is not idempotent for it."""

    status = grpc.StatusCode.ALREADY_EXISTS
    default_reason = "ALREADY_EXISTS"


class FailedPrecondition(IdverifyError):
    """The system is not in a state where the call can run (FAILED_PRECONDITION)."""

    status = grpc.StatusCode.FAILED_PRECONDITION
    default_reason = "FAILED_PRECONDITION"


class ResourceExhausted(IdverifyError):
    """A queue, a concurrency bound or a rate limit is full; retry later with backoff."""

    status = grpc.StatusCode.RESOURCE_EXHAUSTED
    default_reason = "RESOURCE_EXHAUSTED"


class Unauthenticated(IdverifyError):
    """No valid credentials were presented (UNAUTHENTICATED)."""

    status = grpc.StatusCode.UNAUTHENTICATED
    default_reason = "UNAUTHENTICATED"


class PermissionDenied(IdverifyError):
    """The credentials are valid but lack the scope the call needs (PERMISSION_DENIED)."""

    status = grpc.StatusCode.PERMISSION_DENIED
    default_reason = "PERMISSION_DENIED"


class DeadlineExceeded(IdverifyError):
    """The caller's deadline passed before the work finished; the work was stopped."""

    status = grpc.StatusCode.DEADLINE_EXCEEDED
    default_reason = "DEADLINE_EXCEEDED"


class Unavailable(IdverifyError):
    """A dependency (store, worker pool) is down; the call may succeed when retried."""

    status = grpc.StatusCode.UNAVAILABLE
    default_reason = "UNAVAILABLE"


class DataLoss(IdverifyError):
    """A stored value is corrupt or was altered (DATA_LOSS): retrying gives the same answer."""

    status = grpc.StatusCode.DATA_LOSS
    default_reason = "DATA_LOSS"


class ConfigError(IdverifyError):
    """Configuration is invalid; raised at start-up only, never sent to a caller."""

    default_reason = "CONFIG_INVALID"
