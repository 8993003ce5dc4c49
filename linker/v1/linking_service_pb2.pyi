import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AccountKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ACCOUNT_KIND_UNSPECIFIED: _ClassVar[AccountKind]
    ACCOUNT_KIND_FREELANCER: _ClassVar[AccountKind]
    ACCOUNT_KIND_CLIENT: _ClassVar[AccountKind]
    ACCOUNT_KIND_AGENCY: _ClassVar[AccountKind]

class SignalType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNAL_TYPE_UNSPECIFIED: _ClassVar[SignalType]
    SIGNAL_TYPE_DOCUMENT_NUMBER: _ClassVar[SignalType]
    SIGNAL_TYPE_NAME_AND_BIRTH_DATE: _ClassVar[SignalType]
    SIGNAL_TYPE_FACE_EMBEDDING: _ClassVar[SignalType]
    SIGNAL_TYPE_DEVICE_ID: _ClassVar[SignalType]
    SIGNAL_TYPE_BROWSER_FINGERPRINT: _ClassVar[SignalType]
    SIGNAL_TYPE_IP_ADDRESS: _ClassVar[SignalType]
    SIGNAL_TYPE_CARD_FINGERPRINT: _ClassVar[SignalType]
    SIGNAL_TYPE_BANK_ACCOUNT: _ClassVar[SignalType]
    SIGNAL_TYPE_PAYOUT_EMAIL: _ClassVar[SignalType]
    SIGNAL_TYPE_EMAIL: _ClassVar[SignalType]
    SIGNAL_TYPE_PHONE: _ClassVar[SignalType]
    SIGNAL_TYPE_FACE_PHOTO: _ClassVar[SignalType]
    SIGNAL_TYPE_POSTAL_ADDRESS: _ClassVar[SignalType]
    SIGNAL_TYPE_POSTED_DETAIL: _ClassVar[SignalType]
    SIGNAL_TYPE_PROFILE_TEXT: _ClassVar[SignalType]

class SignalStrength(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SIGNAL_STRENGTH_UNSPECIFIED: _ClassVar[SignalStrength]
    SIGNAL_STRENGTH_STRONG: _ClassVar[SignalStrength]
    SIGNAL_STRENGTH_MEDIUM: _ClassVar[SignalStrength]
    SIGNAL_STRENGTH_WEAK: _ClassVar[SignalStrength]

class LinkDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LINK_DECISION_UNSPECIFIED: _ClassVar[LinkDecision]
    LINK_DECISION_ALLOW: _ClassVar[LinkDecision]
    LINK_DECISION_REVIEW: _ClassVar[LinkDecision]
    LINK_DECISION_BLOCK: _ClassVar[LinkDecision]

class ReviewAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_ACTION_UNSPECIFIED: _ClassVar[ReviewAction]
    REVIEW_ACTION_FORCE_LINK: _ClassVar[ReviewAction]
    REVIEW_ACTION_FORCE_UNLINK: _ClassVar[ReviewAction]
    REVIEW_ACTION_CLEAR: _ClassVar[ReviewAction]
ACCOUNT_KIND_UNSPECIFIED: AccountKind
ACCOUNT_KIND_FREELANCER: AccountKind
ACCOUNT_KIND_CLIENT: AccountKind
ACCOUNT_KIND_AGENCY: AccountKind
SIGNAL_TYPE_UNSPECIFIED: SignalType
SIGNAL_TYPE_DOCUMENT_NUMBER: SignalType
SIGNAL_TYPE_NAME_AND_BIRTH_DATE: SignalType
SIGNAL_TYPE_FACE_EMBEDDING: SignalType
SIGNAL_TYPE_DEVICE_ID: SignalType
SIGNAL_TYPE_BROWSER_FINGERPRINT: SignalType
SIGNAL_TYPE_IP_ADDRESS: SignalType
SIGNAL_TYPE_CARD_FINGERPRINT: SignalType
SIGNAL_TYPE_BANK_ACCOUNT: SignalType
SIGNAL_TYPE_PAYOUT_EMAIL: SignalType
SIGNAL_TYPE_EMAIL: SignalType
SIGNAL_TYPE_PHONE: SignalType
SIGNAL_TYPE_FACE_PHOTO: SignalType
SIGNAL_TYPE_POSTAL_ADDRESS: SignalType
SIGNAL_TYPE_POSTED_DETAIL: SignalType
SIGNAL_TYPE_PROFILE_TEXT: SignalType
SIGNAL_STRENGTH_UNSPECIFIED: SignalStrength
SIGNAL_STRENGTH_STRONG: SignalStrength
SIGNAL_STRENGTH_MEDIUM: SignalStrength
SIGNAL_STRENGTH_WEAK: SignalStrength
LINK_DECISION_UNSPECIFIED: LinkDecision
LINK_DECISION_ALLOW: LinkDecision
LINK_DECISION_REVIEW: LinkDecision
LINK_DECISION_BLOCK: LinkDecision
REVIEW_ACTION_UNSPECIFIED: ReviewAction
REVIEW_ACTION_FORCE_LINK: ReviewAction
REVIEW_ACTION_FORCE_UNLINK: ReviewAction
REVIEW_ACTION_CLEAR: ReviewAction

class Reason(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class Signal(_message.Message):
    __slots__ = ("type", "value", "country", "birth_date", "embedding", "observed_at", "photo")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    EMBEDDING_FIELD_NUMBER: _ClassVar[int]
    OBSERVED_AT_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    type: SignalType
    value: str
    country: str
    birth_date: str
    embedding: _containers.RepeatedScalarFieldContainer[float]
    observed_at: _timestamp_pb2.Timestamp
    photo: bytes
    def __init__(self, type: _Optional[_Union[SignalType, str]] = ..., value: _Optional[str] = ..., country: _Optional[str] = ..., birth_date: _Optional[str] = ..., embedding: _Optional[_Iterable[float]] = ..., observed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., photo: _Optional[bytes] = ...) -> None: ...

class RejectedSignal(_message.Message):
    __slots__ = ("index", "signal_type", "reason", "message", "field")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    index: int
    signal_type: SignalType
    reason: str
    message: str
    field: str
    def __init__(self, index: _Optional[int] = ..., signal_type: _Optional[_Union[SignalType, str]] = ..., reason: _Optional[str] = ..., message: _Optional[str] = ..., field: _Optional[str] = ...) -> None: ...

class LinkEvidence(_message.Message):
    __slots__ = ("from_account_id", "to_account_id", "signal_type", "strength", "seen_at", "similarity", "generic", "note", "match_weight", "match_weights", "risk_weight")
    FROM_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TO_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNAL_TYPE_FIELD_NUMBER: _ClassVar[int]
    STRENGTH_FIELD_NUMBER: _ClassVar[int]
    SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    GENERIC_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    MATCH_WEIGHTS_FIELD_NUMBER: _ClassVar[int]
    RISK_WEIGHT_FIELD_NUMBER: _ClassVar[int]
    from_account_id: str
    to_account_id: str
    signal_type: SignalType
    strength: SignalStrength
    seen_at: _timestamp_pb2.Timestamp
    similarity: float
    generic: bool
    note: str
    match_weight: float
    match_weights: _containers.RepeatedCompositeFieldContainer[MatchWeight]
    risk_weight: float
    def __init__(self, from_account_id: _Optional[str] = ..., to_account_id: _Optional[str] = ..., signal_type: _Optional[_Union[SignalType, str]] = ..., strength: _Optional[_Union[SignalStrength, str]] = ..., seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., similarity: _Optional[float] = ..., generic: _Optional[bool] = ..., note: _Optional[str] = ..., match_weight: _Optional[float] = ..., match_weights: _Optional[_Iterable[_Union[MatchWeight, _Mapping]]] = ..., risk_weight: _Optional[float] = ...) -> None: ...

class MatchWeight(_message.Message):
    __slots__ = ("field", "level", "weight")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    field: str
    level: str
    weight: float
    def __init__(self, field: _Optional[str] = ..., level: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class LinkedAccount(_message.Message):
    __slots__ = ("account_id", "kind", "person_id", "same_person", "evidence")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SAME_PERSON_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    kind: AccountKind
    person_id: str
    same_person: bool
    evidence: _containers.RepeatedCompositeFieldContainer[LinkEvidence]
    def __init__(self, account_id: _Optional[str] = ..., kind: _Optional[_Union[AccountKind, str]] = ..., person_id: _Optional[str] = ..., same_person: _Optional[bool] = ..., evidence: _Optional[_Iterable[_Union[LinkEvidence, _Mapping]]] = ...) -> None: ...

class RegisterAccountRequest(_message.Message):
    __slots__ = ("account_id", "kind", "signals", "owner_account_id")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    kind: AccountKind
    signals: _containers.RepeatedCompositeFieldContainer[Signal]
    owner_account_id: str
    def __init__(self, account_id: _Optional[str] = ..., kind: _Optional[_Union[AccountKind, str]] = ..., signals: _Optional[_Iterable[_Union[Signal, _Mapping]]] = ..., owner_account_id: _Optional[str] = ...) -> None: ...

class RegisterAccountResponse(_message.Message):
    __slots__ = ("decision", "person_id", "linked_account_ids", "reasons", "risk_score", "evidence", "rejected_signals")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    LINKED_ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    RISK_SCORE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    REJECTED_SIGNALS_FIELD_NUMBER: _ClassVar[int]
    decision: LinkDecision
    person_id: str
    linked_account_ids: _containers.RepeatedScalarFieldContainer[str]
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    risk_score: float
    evidence: _containers.RepeatedCompositeFieldContainer[LinkEvidence]
    rejected_signals: _containers.RepeatedCompositeFieldContainer[RejectedSignal]
    def __init__(self, decision: _Optional[_Union[LinkDecision, str]] = ..., person_id: _Optional[str] = ..., linked_account_ids: _Optional[_Iterable[str]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., risk_score: _Optional[float] = ..., evidence: _Optional[_Iterable[_Union[LinkEvidence, _Mapping]]] = ..., rejected_signals: _Optional[_Iterable[_Union[RejectedSignal, _Mapping]]] = ...) -> None: ...

class RegisterAccountsRequest(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: _containers.RepeatedCompositeFieldContainer[RegisterAccountRequest]
    def __init__(self, accounts: _Optional[_Iterable[_Union[RegisterAccountRequest, _Mapping]]] = ...) -> None: ...

class RegisterAccountsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[RegisterAccountResponse]
    def __init__(self, results: _Optional[_Iterable[_Union[RegisterAccountResponse, _Mapping]]] = ...) -> None: ...

class CheckAccountRequest(_message.Message):
    __slots__ = ("account_id", "kind", "signals", "owner_account_id")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    OWNER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    kind: AccountKind
    signals: _containers.RepeatedCompositeFieldContainer[Signal]
    owner_account_id: str
    def __init__(self, account_id: _Optional[str] = ..., kind: _Optional[_Union[AccountKind, str]] = ..., signals: _Optional[_Iterable[_Union[Signal, _Mapping]]] = ..., owner_account_id: _Optional[str] = ...) -> None: ...

class CheckAccountResponse(_message.Message):
    __slots__ = ("decision", "person_id", "linked_account_ids", "reasons", "risk_score", "evidence", "rejected_signals")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    LINKED_ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    RISK_SCORE_FIELD_NUMBER: _ClassVar[int]
    EVIDENCE_FIELD_NUMBER: _ClassVar[int]
    REJECTED_SIGNALS_FIELD_NUMBER: _ClassVar[int]
    decision: LinkDecision
    person_id: str
    linked_account_ids: _containers.RepeatedScalarFieldContainer[str]
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    risk_score: float
    evidence: _containers.RepeatedCompositeFieldContainer[LinkEvidence]
    rejected_signals: _containers.RepeatedCompositeFieldContainer[RejectedSignal]
    def __init__(self, decision: _Optional[_Union[LinkDecision, str]] = ..., person_id: _Optional[str] = ..., linked_account_ids: _Optional[_Iterable[str]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., risk_score: _Optional[float] = ..., evidence: _Optional[_Iterable[_Union[LinkEvidence, _Mapping]]] = ..., rejected_signals: _Optional[_Iterable[_Union[RejectedSignal, _Mapping]]] = ...) -> None: ...

class GetLinkedAccountsRequest(_message.Message):
    __slots__ = ("account_id", "include_weak")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_WEAK_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    include_weak: bool
    def __init__(self, account_id: _Optional[str] = ..., include_weak: _Optional[bool] = ...) -> None: ...

class GetLinkedAccountsResponse(_message.Message):
    __slots__ = ("person_id", "accounts")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    accounts: _containers.RepeatedCompositeFieldContainer[LinkedAccount]
    def __init__(self, person_id: _Optional[str] = ..., accounts: _Optional[_Iterable[_Union[LinkedAccount, _Mapping]]] = ...) -> None: ...

class ExplainLinkRequest(_message.Message):
    __slots__ = ("account_id_a", "account_id_b")
    ACCOUNT_ID_A_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_B_FIELD_NUMBER: _ClassVar[int]
    account_id_a: str
    account_id_b: str
    def __init__(self, account_id_a: _Optional[str] = ..., account_id_b: _Optional[str] = ...) -> None: ...

class ExplainLinkResponse(_message.Message):
    __slots__ = ("same_person", "person_id_a", "person_id_b", "path", "reviews")
    SAME_PERSON_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_A_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_B_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    same_person: bool
    person_id_a: str
    person_id_b: str
    path: _containers.RepeatedCompositeFieldContainer[LinkEvidence]
    reviews: _containers.RepeatedCompositeFieldContainer[Reason]
    def __init__(self, same_person: _Optional[bool] = ..., person_id_a: _Optional[str] = ..., person_id_b: _Optional[str] = ..., path: _Optional[_Iterable[_Union[LinkEvidence, _Mapping]]] = ..., reviews: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ...) -> None: ...

class DeleteAccountRequest(_message.Message):
    __slots__ = ("account_id", "reason")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    reason: str
    def __init__(self, account_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class DeleteAccountResponse(_message.Message):
    __slots__ = ("deleted", "signals_erased", "affected_account_ids")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_ERASED_FIELD_NUMBER: _ClassVar[int]
    AFFECTED_ACCOUNT_IDS_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    signals_erased: int
    affected_account_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, deleted: _Optional[bool] = ..., signals_erased: _Optional[int] = ..., affected_account_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordReviewRequest(_message.Message):
    __slots__ = ("account_id_a", "account_id_b", "action", "reviewer", "note")
    ACCOUNT_ID_A_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_B_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    account_id_a: str
    account_id_b: str
    action: ReviewAction
    reviewer: str
    note: str
    def __init__(self, account_id_a: _Optional[str] = ..., account_id_b: _Optional[str] = ..., action: _Optional[_Union[ReviewAction, str]] = ..., reviewer: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class RecordReviewResponse(_message.Message):
    __slots__ = ("event_id", "person_id_a", "person_id_b")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_A_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_B_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    person_id_a: str
    person_id_b: str
    def __init__(self, event_id: _Optional[str] = ..., person_id_a: _Optional[str] = ..., person_id_b: _Optional[str] = ...) -> None: ...

class RecordContractRequest(_message.Message):
    __slots__ = ("contract_id", "client_account_id", "freelancer_account_id")
    CONTRACT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    FREELANCER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    contract_id: str
    client_account_id: str
    freelancer_account_id: str
    def __init__(self, contract_id: _Optional[str] = ..., client_account_id: _Optional[str] = ..., freelancer_account_id: _Optional[str] = ...) -> None: ...

class RecordContractResponse(_message.Message):
    __slots__ = ("decision", "reasons", "path")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    decision: LinkDecision
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    path: _containers.RepeatedCompositeFieldContainer[LinkEvidence]
    def __init__(self, decision: _Optional[_Union[LinkDecision, str]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., path: _Optional[_Iterable[_Union[LinkEvidence, _Mapping]]] = ...) -> None: ...
