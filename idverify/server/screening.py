"""The thin servicer of ``idverify.screening.v1.ScreeningService``: messages in,
:class:`~idverify.app.screening.Screening` calls, response messages out. InvalidInput raised
below becomes INVALID_ARGUMENT with its reason in the server's one error interceptor.
"""

from __future__ import annotations

from idverify.app.screening import Screening
from idverify.errors import InvalidInput
from idverify.screening import Finding, ScreeningResult
from idverify.screening.v1 import screening_service_pb2 as pb
from idverify.screening.v1 import screening_service_pb2_grpc as pb_grpc

__all__ = ["ScreeningServicer", "finding_message", "message_kind"]

_DECISION = {"ALLOW": pb.DECISION_ALLOW, "WARN": pb.DECISION_WARN, "BLOCK": pb.DECISION_BLOCK}
_EFFECT = {"allow": pb.DECISION_ALLOW, "warn": pb.DECISION_WARN, "block": pb.DECISION_BLOCK}
#: MessageKind values as the use case's provenance words ("proposal", "invite", "chat").
_KIND = {v.number: v.name.removeprefix("MESSAGE_KIND_").lower()
         for v in pb.MessageKind.DESCRIPTOR.values if v.number != pb.MESSAGE_KIND_UNSPECIFIED}


def message_kind(number: int) -> str:
    """The provenance word of a MessageKind number ("" when unspecified). proto3 accepts any
    number on the wire; one this version does not define is refused as an invalid field."""
    if number == pb.MESSAGE_KIND_UNSPECIFIED:
        return ""
    try:
        return _KIND[number]
    except KeyError:
        raise InvalidInput(f"kind {number} is not a MessageKind", reason="INVALID_ENUM",
                           metadata={"field": "kind"}) from None


def finding_message(f: Finding) -> pb.Finding:
    """A finding as its protobuf message."""
    return pb.Finding(category=pb.Category.Value(f"CATEGORY_{f.category}"), field=f.field, start=f.start, end=f.end,
                      value=f.value, disguises=[pb.Disguise.Value(f"DISGUISE_{d.upper()}") for d in f.disguises],
                      confidence=f.confidence, detail=f.detail)


def _common(result: ScreeningResult) -> dict:
    return {
        "decision": _DECISION[result.decision],
        "findings": [finding_message(f) for f in result.findings],
        "reasons": [pb.Reason(category=pb.Category.Value(f"CATEGORY_{r.category}"), effect=_EFFECT[r.effect],
                              rule=r.rule) for r in result.reasons],
        "policy_version": result.policy_version,
    }


class ScreeningServicer(pb_grpc.ScreeningServiceServicer):
    """Routes each ScreeningService RPC to the :class:`Screening` use cases."""

    def __init__(self, screening: Screening) -> None:
        self._screening = screening

    def ScreenMessage(self, request: pb.ScreenMessageRequest, context) -> pb.ScreenMessageResponse:
        """Screen one message."""
        screened = self._screening.screen_message(request.text, request.contract_exists,
                                                  sender_account_id=request.sender_account_id,
                                                  recipient_account_id=request.recipient_account_id,
                                                  kind=message_kind(request.kind),
                                                  dry_run=request.dry_run)
        result = screened.result
        return pb.ScreenMessageResponse(redacted_text=result.redacted["text"], linked_details=screened.linked_details,
                                        **_common(result))

    def ScreenProfile(self, request: pb.ScreenProfileRequest, context) -> pb.ScreenProfileResponse:
        """Screen one profile or job post."""
        screened = self._screening.screen_profile(request.title, request.description, list(request.skills),
                                                  account_id=request.account_id, dry_run=request.dry_run)
        result = screened.result
        return pb.ScreenProfileResponse(redacted_title=result.redacted["title"],
                                        redacted_description=result.redacted["description"],
                                        redacted_skills=result.redacted["skills"], text_linked=screened.text_linked,
                                        **_common(result))
