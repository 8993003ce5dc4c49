"""The linker's results as ``linker.v1`` messages: one translation, for the servicer and the
signup use case alike. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.timestamp_pb2 import Timestamp

from linker.engine import Edge, LinkResult
from linker.policy import Reason, risk_weight
from linker.signals import RejectedSignal
from linker.v1 import linking_service_pb2 as pb

__all__ = ["evidence_message", "link_result_message", "reason_messages", "rejected_signal_messages"]


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
        match_weight=ev.weight,
        match_weights=[pb.MatchWeight(field=f, level=level, weight=w) for f, level, w in ev.weights],
        risk_weight=risk_weight(ev),
    )


def reason_messages(reasons: Iterable[Reason]) -> list[pb.Reason]:
    """The linker's reasons as messages."""
    return [pb.Reason(code=r.code, message=r.message) for r in reasons]


def rejected_signal_messages(rejected: Iterable[RejectedSignal]) -> list[pb.RejectedSignal]:
    """Rejected signals as messages: position, type, reason and field, never the value."""
    return [pb.RejectedSignal(index=r.index, signal_type=r.type, reason=r.reason, message=r.message, field=r.field)
            for r in rejected]


def link_result_message(response, result: LinkResult):
    """Fill a Register/CheckAccountResponse ``response`` from ``result``; return it."""
    response.decision = result.decision
    response.person_id = result.person_id
    response.linked_account_ids.extend(result.linked_account_ids)
    response.reasons.extend(reason_messages(result.reasons))
    response.risk_score = result.risk_score
    response.evidence.extend(evidence_message(e) for e in result.evidence)
    response.rejected_signals.extend(rejected_signal_messages(result.rejected))
    return response
