"""The thin servicer of ``linker.v1.LinkingService``: messages in, :class:`~idverify.app.linking.Linking`
calls, response messages out (translated by :mod:`linker.messages`). Domain errors
(InvalidInput, NotFound, FailedPrecondition) raised below are mapped to gRPC statuses by the
server's one error interceptor.
"""

from __future__ import annotations

from idverify.app.linking import Linking
from idverify.server.calls import deadline_seconds
from linker.messages import evidence_message, link_result_message, reason_messages
from linker.v1 import linking_service_pb2 as pb
from linker.v1 import linking_service_pb2_grpc as pb_grpc

__all__ = ["LinkingServicer"]


class LinkingServicer(pb_grpc.LinkingServiceServicer):
    """Routes each LinkingService RPC to the :class:`Linking` use cases."""

    def __init__(self, linking: Linking) -> None:
        self._linking = linking

    def RegisterAccount(self, request: pb.RegisterAccountRequest, context) -> pb.RegisterAccountResponse:
        """Register one account and decide on it."""
        return link_result_message(pb.RegisterAccountResponse(),
                                   self._linking.register(request, timeout=deadline_seconds(context)))

    def RegisterAccounts(self, request: pb.RegisterAccountsRequest, context) -> pb.RegisterAccountsResponse:
        """Register a batch, all or nothing."""
        results = self._linking.register_many(request.accounts, timeout=deadline_seconds(context))
        return pb.RegisterAccountsResponse(
            results=[link_result_message(pb.RegisterAccountResponse(), r) for r in results])

    def CheckAccount(self, request: pb.CheckAccountRequest, context) -> pb.CheckAccountResponse:
        """Decide without registering."""
        return link_result_message(pb.CheckAccountResponse(),
                                   self._linking.check(request, timeout=deadline_seconds(context)))

    def GetLinkedAccounts(self, request: pb.GetLinkedAccountsRequest, context) -> pb.GetLinkedAccountsResponse:
        """The accounts of the same person, with their evidence."""
        person_id, linked = self._linking.linked_accounts(request.account_id, request.include_weak)
        return pb.GetLinkedAccountsResponse(
            person_id=person_id,
            accounts=[
                pb.LinkedAccount(account_id=x.account_id, kind=x.kind, person_id=x.person_id,
                                 same_person=x.same_person, evidence=[evidence_message(e) for e in x.evidence])
                for x in linked
            ],
        )

    def ExplainLink(self, request: pb.ExplainLinkRequest, context) -> pb.ExplainLinkResponse:
        """The evidence path between two accounts, edge by edge."""
        result = self._linking.explain(request.account_id_a, request.account_id_b)
        return pb.ExplainLinkResponse(
            same_person=result.same_person,
            person_id_a=result.person_id_a,
            person_id_b=result.person_id_b,
            path=[evidence_message(e) for e in result.path],
            reviews=reason_messages(result.reviews),
        )

    def DeleteAccount(self, request: pb.DeleteAccountRequest, context) -> pb.DeleteAccountResponse:
        """Erase an account and its history."""
        deleted, erased, affected = self._linking.delete(request.account_id, request.reason)
        return pb.DeleteAccountResponse(deleted=deleted, signals_erased=erased, affected_account_ids=affected)

    def RecordReview(self, request: pb.RecordReviewRequest, context) -> pb.RecordReviewResponse:
        """A reviewer's link or unlink that sticks."""
        event_id, person_a, person_b = self._linking.review(
            request.account_id_a, request.account_id_b, request.action, request.reviewer, request.note)
        return pb.RecordReviewResponse(event_id=str(event_id), person_id_a=person_a, person_id_b=person_b)

    def RecordContract(self, request: pb.RecordContractRequest, context) -> pb.RecordContractResponse:
        """Decide on a contract between two accounts."""
        decision, path = self._linking.contract(
            request.contract_id, request.client_account_id, request.freelancer_account_id)
        return pb.RecordContractResponse(
            decision=decision.decision,
            reasons=reason_messages(decision.reasons),
            path=[evidence_message(e) for e in path],
        )
