"""The thin servicer of ``linker.v1.LinkingService``: requests in, :class:`~linker.engine.Linker`
calls, response messages out. Domain errors (InvalidInput, NotFound) raised by the engine are
mapped to gRPC statuses by the server's one error interceptor.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from idverify.errors import FailedPrecondition, InvalidInput
from linker.engine import Edge, Linker, LinkResult, Registration
from linker.policy import Reason
from linker.v1 import linking_service_pb2 as pb
from linker.v1 import linking_service_pb2_grpc as pb_grpc

__all__ = ["LinkingServicer", "evidence_message"]


def _timestamp(seconds: float) -> Timestamp:
    ts = Timestamp()
    ts.FromNanoseconds(int(seconds * 1e9))
    return ts


def evidence_message(edge: Edge) -> pb.LinkEvidence:
    """One evidence edge as a :class:`LinkEvidence` message."""
    ev = edge.evidence
    return pb.LinkEvidence(
        from_account_id=edge.from_account_id,
        to_account_id=edge.to_account_id,
        signal_type=ev.signal_type,
        strength=ev.strength,
        seen_at=_timestamp(ev.seen_at),
        similarity=ev.similarity,
        generic=ev.generic,
        note=ev.note,
    )


def _reasons(reasons: Iterable[Reason]) -> list[pb.Reason]:
    return [pb.Reason(code=r.code, message=r.message) for r in reasons]


def _fill(response, result: LinkResult):
    response.decision = result.decision
    response.person_id = result.person_id
    response.linked_account_ids.extend(result.linked_account_ids)
    response.reasons.extend(_reasons(result.reasons))
    response.risk_score = result.risk_score
    response.evidence.extend(evidence_message(e) for e in result.evidence)
    return response


class LinkingServicer(pb_grpc.LinkingServiceServicer):
    """Routes each LinkingService RPC to the :class:`Linker` in ``deps.linker``."""

    def __init__(self, deps) -> None:
        self._deps = deps

    @property
    def _linker(self) -> Linker:
        linker = getattr(self._deps, "linker", None)
        if linker is None:
            raise FailedPrecondition(
                "account linking is not configured on this server (set linker.hash_key)",
                reason="LINKER_DISABLED",
            )
        return linker

    def RegisterAccount(self, request: pb.RegisterAccountRequest, context) -> pb.RegisterAccountResponse:
        linker = self._linker
        result = linker.register(request.account_id, request.kind, linker.prepare(request.signals),
                                 request.owner_account_id)
        self._note_links(request.account_id, result)
        return _fill(pb.RegisterAccountResponse(), result)

    def _note_links(self, account_id: str, result: LinkResult) -> None:
        """New strong evidence: every account of the person is due for re-verification."""
        history = getattr(self._deps, "history", None)
        if history is not None and result.linked_account_ids:
            history.note_link([account_id, *result.linked_account_ids])

    def RegisterAccounts(self, request: pb.RegisterAccountsRequest, context) -> pb.RegisterAccountsResponse:
        linker = self._linker
        items = request.accounts
        if not items:
            raise InvalidInput("accounts is empty", reason="MISSING_FIELD", metadata={"field": "accounts"})
        if len(items) > linker.settings.max_batch:
            raise InvalidInput(f"{len(items)} accounts in one batch; at most {linker.settings.max_batch}",
                               reason="BATCH_TOO_LARGE", metadata={"field": "accounts",
                                                                   "max_batch": str(linker.settings.max_batch)})
        batch = []
        for i, item in enumerate(items):
            try:
                signals = linker.prepare(item.signals)
            except InvalidInput as exc:
                exc.metadata["field"] = f"accounts[{i}].{exc.metadata.get('field', 'signals')}"
                raise
            batch.append(Registration(item.account_id, item.kind, signals, item.owner_account_id))
        results = linker.register_many(batch)
        for item, result in zip(items, results, strict=True):
            self._note_links(item.account_id, result)
        return pb.RegisterAccountsResponse(results=[_fill(pb.RegisterAccountResponse(), r) for r in results])

    def CheckAccount(self, request: pb.CheckAccountRequest, context) -> pb.CheckAccountResponse:
        linker = self._linker
        if not request.account_id and not request.signals:
            raise InvalidInput("give an account_id or signals", reason="MISSING_FIELD",
                               metadata={"field": "account_id"})
        result = linker.check(request.account_id, request.kind, linker.prepare(request.signals),
                              request.owner_account_id)
        return _fill(pb.CheckAccountResponse(), result)

    def GetLinkedAccounts(self, request: pb.GetLinkedAccountsRequest, context) -> pb.GetLinkedAccountsResponse:
        person_id, linked = self._linker.linked_accounts(request.account_id, request.include_weak)
        return pb.GetLinkedAccountsResponse(
            person_id=person_id,
            accounts=[
                pb.LinkedAccount(account_id=x.account_id, kind=x.kind, person_id=x.person_id,
                                 same_person=x.same_person, evidence=[evidence_message(e) for e in x.evidence])
                for x in linked
            ],
        )

    def ExplainLink(self, request: pb.ExplainLinkRequest, context) -> pb.ExplainLinkResponse:
        result = self._linker.explain(request.account_id_a, request.account_id_b)
        return pb.ExplainLinkResponse(
            same_person=result.same_person,
            person_id_a=result.person_id_a,
            person_id_b=result.person_id_b,
            path=[evidence_message(e) for e in result.path],
            reviews=_reasons(result.reviews),
        )

    def DeleteAccount(self, request: pb.DeleteAccountRequest, context) -> pb.DeleteAccountResponse:
        deleted, erased, affected = self._linker.delete(request.account_id, request.reason)
        history = getattr(self._deps, "history", None)
        if history is not None:
            history.erase(request.account_id)  # erasure covers the verification history too
        return pb.DeleteAccountResponse(deleted=deleted, signals_erased=erased, affected_account_ids=affected)

    def RecordReview(self, request: pb.RecordReviewRequest, context) -> pb.RecordReviewResponse:
        event_id, person_a, person_b = self._linker.review(
            request.account_id_a, request.account_id_b, request.action, request.reviewer, request.note)
        return pb.RecordReviewResponse(event_id=str(event_id), person_id_a=person_a, person_id_b=person_b)

    def RecordContract(self, request: pb.RecordContractRequest, context) -> pb.RecordContractResponse:
        decision, path = self._linker.contract(
            request.contract_id, request.client_account_id, request.freelancer_account_id)
        return pb.RecordContractResponse(
            decision=decision.decision,
            reasons=_reasons(decision.reasons),
            path=[evidence_message(e) for e in path],
        )
