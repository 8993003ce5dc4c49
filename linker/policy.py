"""The linking policy: which evidence joins accounts, how risky weak overlap is, and the
ALLOW / REVIEW / BLOCK decision with its reasons. Pure: no I/O, no store.

Evidence between two accounts is a list of :class:`Evidence` items, one per shared value.

- Strong, non-generic evidence (a document, a card, a near-identical face, a name and birth
  date) joins the two accounts into one person on its own.
- Medium evidence (a device id, a face in the grey zone, a partly matching name with the same
  birth date) joins only with a second medium item of another kind.
- Weak evidence (IP address, browser fingerprint) never joins; it raises the risk score.
- What screening found (issue 18): a contact or payment detail posted in a message is one
  medium kind (``POSTED_DETAIL``) however many are shared, so it joins only with medium
  evidence of another kind; near-duplicate profile text (``PROFILE_TEXT``) is weak.
- A name and birth date shared by two accounts whose faces are clearly different people is a
  namesake, not a duplicate: the name evidence is demoted to medium
  (:func:`demote_contradicted`), as Senzing weighs disclosed contradicting features.
- Generic values (shared by more accounts than the type's cap) never join and barely count.

Decisions (reason codes):

- ``DUPLICATE_PERSON``: a person holds a freelancer or client account and opens another of the
  same kind: BLOCK for the newer account, REVIEW for the older one. A freelancer plus a client
  account of one person is allowed, and so are agencies owned by one of the person's accounts.
  An agency sharing identity with a person whose accounts do not own it: REVIEW
  (``AGENCY_OWNER_MISMATCH``).
- ``DUPLICATE_FACE_ONLY``: the same, but the account reaches its person's other accounts only
  through face evidence (no other strong or medium signal, no reviewer link): REVIEW, not
  BLOCK. A face alone is not safe to refuse on at marketplace scale: the real different-person
  distances of ../shared/faces, extrapolated (``benchmarks/bench_face_links.py``), expect about
  one stranger within the strong level per signup against 100k faces, so a face-only hit is as
  likely a look-alike as a second account. A face plus any other strong or medium signal stays
  a BLOCK; weak overlap (IP, browser) and what screening found (a posted detail, profile
  text) do not change a face-only hit.
- ``SHARED_ACCOUNT``: one account presented faces of different people, several document
  numbers, or names and birth dates of different people: REVIEW.
- ``SHARED_WEAK_SIGNAL``: weak overlap with another person's account at or above the risk
  threshold: REVIEW.
- ``IDENTITY_SIGNAL_UNUSABLE``: the request carried a signal that would have joined on its own
  (a document, a name and birth date, a face, an email, a phone, a card, a bank account, a
  payout email) but could not be used (malformed): a duplicate on it cannot be ruled out, so the
  account is not allowed silently: REVIEW. Unusable weak or medium signals (IP, browser,
  device) are only listed; they never join on their own.
- ``FEEDBACK_BUILDING``: a contract between two accounts of one person: BLOCK, both when the
  contract is recorded and when the accounts are linked later; between
  accounts with risky weak overlap: REVIEW (``FEEDBACK_BUILDING_SUSPECTED``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from linker.v1 import linking_service_pb2 as pb

__all__ = [
    "AccountView",
    "Decision",
    "Evidence",
    "PolicyInput",
    "Reason",
    "RISK_WEIGHTS",
    "SCREENING_TYPES",
    "decide_account",
    "decide_contract",
    "demote_contradicted",
    "face_only",
    "joins",
    "pair_risk",
    "risk_weight",
]

#: Risk each shared weak or medium signal type adds (combined as independent events).
RISK_WEIGHTS: dict[int, float] = {
    pb.SIGNAL_TYPE_IP_ADDRESS: 0.3,
    pb.SIGNAL_TYPE_BROWSER_FINGERPRINT: 0.45,
    pb.SIGNAL_TYPE_DEVICE_ID: 0.5,
    pb.SIGNAL_TYPE_POSTAL_ADDRESS: 0.3,
    # What screening found (issue 18). A detail posted in a message weighs what other medium
    # evidence does, but as one kind however many are shared: alone it never reaches the
    # review threshold, let alone a join. Near-duplicate text: templates and copied
    # boilerplate are common, so it weighs less than an IP address.
    pb.SIGNAL_TYPE_POSTED_DETAIL: 0.5,
    pb.SIGNAL_TYPE_PROFILE_TEXT: 0.2,
}
#: A generic value's weight is scaled by this: it says little about anyone.
GENERIC_FACTOR = 0.1
#: Risk of medium evidence of other kinds (grey-zone faces, partial names).
MEDIUM_RISK = 0.5

_SEVERITY = {pb.LINK_DECISION_ALLOW: 0, pb.LINK_DECISION_REVIEW: 1, pb.LINK_DECISION_BLOCK: 2}


@dataclass(frozen=True)
class Evidence:
    """One shared value between two accounts (``kind`` names fuzzy evidence: face, name)."""

    signal_type: int
    strength: int
    seen_at: float
    similarity: float = 1.0
    generic: bool = False
    note: str = ""
    #: Fuzzy identity evidence: the Fellegi-Sunter match weight and its ``(field, level,
    #: weight)`` parts (see :mod:`linker.fuzzy`); 0 and empty for other evidence.
    weight: float = 0.0
    weights: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class Reason:
    """A reason code (UPPER_SNAKE) and a readable message without raw identifiers."""

    code: str
    message: str


@dataclass(frozen=True)
class Decision:
    """A decision and the reasons behind it."""

    decision: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class AccountView:
    """What the policy needs to know about an account: id, kind, owner and age rank."""

    account_id: str
    kind: int
    owner_account_id: str = ""
    seq: int = 0


@dataclass(frozen=True)
class PolicyInput:
    """Facts about one account for :func:`decide_account`.

    ``same_person`` lists the other accounts of its person; ``risk_score`` is the highest
    :func:`pair_risk` with an account of another person; ``face_spread`` the largest distance
    between the account's own faces (embedding distance); ``distinct_documents`` and
    ``distinct_identities`` count its document numbers and mutually non-matching names;
    ``self_contracts`` counts contracts between it and accounts of its own person;
    ``face_only`` is true when it reaches them only through face evidence (:func:`face_only`);
    ``unusable`` holds ``(signal type, reason code)`` of each request signal that would have
    joined on its own but could not be used.
    """

    account: AccountView
    same_person: Sequence[AccountView] = ()
    risk_score: float = 0.0
    face_spread: float = 0.0
    distinct_documents: int = 0
    distinct_identities: int = 0
    self_contracts: int = 0
    face_only: bool = False
    unusable: tuple[tuple[int, str], ...] = ()


def joins(evidence: Iterable[Evidence]) -> bool:
    """True when the evidence between two accounts makes them one person (see module doc)."""
    medium: set[int] = set()
    for item in evidence:
        if item.generic:
            continue
        if item.strength == pb.SIGNAL_STRENGTH_STRONG:
            return True
        if item.strength == pb.SIGNAL_STRENGTH_MEDIUM:
            medium.add(item.signal_type)
    return len(medium) >= 2


def demote_contradicted(evidence: list[Evidence], min_face_distance: float | None,
                        face_different_distance: float) -> list[Evidence]:
    """Demote strong name evidence to medium when the two accounts' faces are known to differ
    (their closest faces farther apart than ``face_different_distance``, embedding distance).
    ``min_face_distance`` is None when either account has no face."""
    if min_face_distance is None or min_face_distance <= face_different_distance:
        return evidence
    out = []
    for item in evidence:
        if item.signal_type == pb.SIGNAL_TYPE_NAME_AND_BIRTH_DATE and item.strength == pb.SIGNAL_STRENGTH_STRONG:
            item = Evidence(item.signal_type, pb.SIGNAL_STRENGTH_MEDIUM, item.seen_at, item.similarity,
                            item.generic, f"{item.note}; faces differ (distance {min_face_distance:.2f})",
                            item.weight, item.weights)
        out.append(item)
    return out


#: What screening found (posted details, profile text): evidence that may add to a join but
#: never decides alone, so it does not turn a face-only REVIEW into a BLOCK.
SCREENING_TYPES = frozenset({pb.SIGNAL_TYPE_POSTED_DETAIL, pb.SIGNAL_TYPE_PROFILE_TEXT})


def face_only(evidence: Iterable[Evidence]) -> bool:
    """True when ``evidence`` (an account's, toward the other accounts of its person) holds a
    face that counts (strong or medium, not generic) and nothing else strong or medium that
    counts: the account joined its person through the face alone. Screening evidence
    (:data:`SCREENING_TYPES`) is left out: a look-alike who posted the other account's phone
    number stays a REVIEW."""
    face = False
    for item in evidence:
        if item.generic or item.strength not in (pb.SIGNAL_STRENGTH_STRONG, pb.SIGNAL_STRENGTH_MEDIUM):
            continue
        if item.signal_type in SCREENING_TYPES:
            continue
        if item.signal_type != pb.SIGNAL_TYPE_FACE_EMBEDDING:
            return False
        face = True
    return face


def pair_risk(evidence: Iterable[Evidence]) -> float:
    """Risk in [0, 1] from weak and medium evidence between two accounts (strong counts 1)."""
    keep = 1.0
    seen: set[int] = set()
    for item in evidence:
        if item.strength == pb.SIGNAL_STRENGTH_STRONG and not item.generic:
            return 1.0
        if item.signal_type in seen:
            continue
        seen.add(item.signal_type)
        weight = RISK_WEIGHTS.get(item.signal_type, MEDIUM_RISK)
        if item.generic:
            weight *= GENERIC_FACTOR
        keep *= 1.0 - weight
    return 1.0 - keep


def risk_weight(item: Evidence) -> float:
    """What one evidence item adds to :func:`pair_risk` alone: 1 for strong evidence, the
    type's weight otherwise (a tenth of it for a generic value)."""
    if item.strength == pb.SIGNAL_STRENGTH_STRONG and not item.generic:
        return 1.0
    weight = RISK_WEIGHTS.get(item.signal_type, MEDIUM_RISK)
    return weight * GENERIC_FACTOR if item.generic else weight


def _worst(items: Sequence[tuple[int, Reason]]) -> Decision:
    if not items:
        return Decision(pb.LINK_DECISION_ALLOW, ())
    decision = max((d for d, _ in items), key=_SEVERITY.__getitem__)
    ordered = sorted(items, key=lambda x: -_SEVERITY[x[0]])
    return Decision(decision, tuple(r for _, r in ordered))


def decide_account(facts: PolicyInput, *, risk_threshold: float, face_different_distance: float) -> Decision:
    """ALLOW, REVIEW or BLOCK for one account, with reasons (see the module docstring)."""
    me = facts.account
    out: list[tuple[int, Reason]] = []
    others = list(facts.same_person)
    mine = {me.account_id} | {o.account_id for o in others}
    if me.kind == pb.ACCOUNT_KIND_AGENCY:
        if others and me.owner_account_id not in mine:
            out.append((pb.LINK_DECISION_REVIEW, Reason(
                "AGENCY_OWNER_MISMATCH",
                f"agency shares identity with {len(others)} account(s) of a person that does not own it",
            )))
    else:
        same_kind = [o for o in others if o.kind == me.kind]
        older = [o for o in same_kind if o.seq < me.seq]
        label = "freelancer" if me.kind == pb.ACCOUNT_KIND_FREELANCER else "client"
        if same_kind and facts.face_only:
            out.append((pb.LINK_DECISION_REVIEW, Reason(
                "DUPLICATE_FACE_ONLY",
                f"only a face links this account to {len(same_kind)} other {label} account(s) of the person "
                "(a look-alike is as likely at this scale)",
            )))
        elif older:
            out.append((pb.LINK_DECISION_BLOCK, Reason(
                "DUPLICATE_PERSON", f"the person already holds {len(older)} older {label} account(s)"
            )))
        elif same_kind:
            out.append((pb.LINK_DECISION_REVIEW, Reason(
                "DUPLICATE_PERSON", f"the person opened {len(same_kind)} newer {label} account(s)"
            )))
        elif any(o.kind != pb.ACCOUNT_KIND_AGENCY for o in others):
            out.append((pb.LINK_DECISION_ALLOW, Reason(
                "SAME_PERSON_ALLOWED", "one freelancer and one client account of one person are allowed"
            )))
    if facts.self_contracts:
        out.append((pb.LINK_DECISION_BLOCK, Reason(
            "FEEDBACK_BUILDING", f"{facts.self_contracts} contract(s) with accounts of the same person"
        )))
    if facts.face_spread > face_different_distance:
        out.append((pb.LINK_DECISION_REVIEW, Reason(
            "SHARED_ACCOUNT", f"the account presented different faces (distance {facts.face_spread:.2f})"
        )))
    if facts.distinct_documents >= 2:
        out.append((pb.LINK_DECISION_REVIEW, Reason(
            "SHARED_ACCOUNT",
            f"the account presented {facts.distinct_documents} document numbers (a renewal may explain it)",
        )))
    if facts.distinct_identities >= 2:
        out.append((pb.LINK_DECISION_REVIEW, Reason(
            "SHARED_ACCOUNT", f"the account presented {facts.distinct_identities} different names or birth dates"
        )))
    for signal_type, reason in facts.unusable:
        name = pb.SignalType.Name(signal_type).removeprefix("SIGNAL_TYPE_") \
            if signal_type in pb.SignalType.values() else str(signal_type)
        out.append((pb.LINK_DECISION_REVIEW, Reason(
            "IDENTITY_SIGNAL_UNUSABLE",
            f"{name} left out of linking ({reason}): a duplicate on it cannot be ruled out",
        )))
    if facts.risk_score >= risk_threshold:
        out.append((pb.LINK_DECISION_REVIEW, Reason(
            "SHARED_WEAK_SIGNAL", f"weak signals shared with another person's account (risk {facts.risk_score:.2f})"
        )))
    return _worst(out)


def decide_contract(same_person: bool, risk: float, *, risk_threshold: float) -> Decision:
    """The decision on a contract between two accounts: self-hiring is feedback building."""
    if same_person:
        return Decision(pb.LINK_DECISION_BLOCK, (Reason(
            "FEEDBACK_BUILDING", "client and freelancer accounts belong to one person"
        ),))
    if risk >= risk_threshold:
        return Decision(pb.LINK_DECISION_REVIEW, (Reason(
            "FEEDBACK_BUILDING_SUSPECTED", f"client and freelancer share weak signals (risk {risk:.2f})"
        ),))
    return Decision(pb.LINK_DECISION_ALLOW, ())
