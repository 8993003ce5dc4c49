"""Asking for an account to be verified again (RequestReverification, ``idverify reverify request``).

The request makes the account due now in the re-verification store and is logged there with
the reason code and the caller's client id; the next ``idverify reverify`` run picks it up and
records ``REQUESTED`` among the due reasons of its result.
"""

from __future__ import annotations

import time

from google.protobuf.timestamp_pb2 import Timestamp

from idverify.app.dependencies import Dependencies
from idverify.errors import InvalidInput, NotFound, Unavailable
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["ReverifyRequests"]


class ReverifyRequests:
    """The RequestReverification use case over ``deps.history``."""

    def __init__(self, deps: Dependencies) -> None:
        self._deps = deps

    def request(self, request: pb.RequestReverificationRequest, client_id: str) -> pb.RequestReverificationResponse:
        """Make ``request.account_id`` due now for ``request.reason``, recorded as asked by ``client_id``."""
        if not request.account_id:
            raise InvalidInput("account_id is required", reason="MISSING_FIELD", metadata={"field": "account_id"})
        if request.reason == pb.REVERIFICATION_REASON_UNSPECIFIED:
            raise InvalidInput("reason is required", reason="MISSING_FIELD", metadata={"field": "reason"})
        if request.reason not in pb.ReverificationReason.values():
            raise InvalidInput(f"unknown reason {request.reason}", reason="INVALID_ENUM", metadata={"field": "reason"})
        history = self._deps.history
        if history is None:
            raise Unavailable("this server keeps no verification history", reason="HISTORY_UNAVAILABLE")
        now = time.time()
        reason = pb.ReverificationReason.Name(request.reason).removeprefix("REVERIFICATION_REASON_")
        if not history.request_recheck(request.account_id, now, reason=reason, requested_by=client_id):
            raise NotFound("the account has never been verified: there is nothing to verify again",
                           reason="ACCOUNT_NOT_VERIFIED", metadata={"field": "account_id"})
        at = Timestamp()
        at.FromNanoseconds(int(now * 1e9))
        return pb.RequestReverificationResponse(account_id=request.account_id, requested_at=at,
                                                requested_by=client_id)
