"""What every guard and observer of a call sees: its method, request id, metadata and client."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import grpc

__all__ = ["CallInfo", "OPEN_METHOD_PREFIXES", "current_client", "deadline_seconds", "is_open_method"]

#: Methods that need no credentials and are never throttled: probes must keep working.
OPEN_METHOD_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


def is_open_method(method: str) -> bool:
    """True for health checks and reflection."""
    return method.startswith(OPEN_METHOD_PREFIXES)


@dataclass
class CallInfo:
    """One call as the interceptor sees it; guards may fill ``client_id`` and ``scopes``."""

    method: str
    request_id: str
    metadata: dict[str, str]
    context: grpc.ServicerContext
    #: The authenticated client's id ("anonymous" when authentication is off).
    client_id: str = "anonymous"
    scopes: frozenset[str] = field(default_factory=frozenset)
    #: The parsed request message (None for a request that did not parse), so a guard can
    #: tell a registration carrying a photo from one without.
    request: Any = None

    @property
    def service(self) -> str:
        """``/pkg.Service/Method`` -> ``pkg.Service``."""
        return self.method.strip("/").split("/")[0]

    @property
    def rpc(self) -> str:
        """``/pkg.Service/Method`` -> ``Method``."""
        return self.method.rsplit("/", 1)[-1]


def deadline_seconds(context: grpc.ServicerContext) -> float | None:
    """Seconds left before the caller's deadline; None when the caller set none (grpc then
    reports a remaining time too large for a lock wait)."""
    remaining = context.time_remaining()
    return remaining if remaining is not None and remaining < 86_400 else None


#: The call being handled on this thread, set by the interceptor around the servicer.
CURRENT_CALL: ContextVar[CallInfo | None] = ContextVar("idverify_current_call", default=None)


def current_client() -> str:
    """The client id of the call being handled (``"anonymous"`` outside a call or without auth),
    for servicers that record who asked."""
    call = CURRENT_CALL.get()
    return call.client_id if call is not None else "anonymous"
