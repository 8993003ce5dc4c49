from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Category(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CATEGORY_UNSPECIFIED: _ClassVar[Category]
    CATEGORY_EMAIL: _ClassVar[Category]
    CATEGORY_PHONE: _ClassVar[Category]
    CATEGORY_URL: _ClassVar[Category]
    CATEGORY_MESSAGING_HANDLE: _ClassVar[Category]
    CATEGORY_PAYMENT_SERVICE: _ClassVar[Category]
    CATEGORY_BANK_ACCOUNT: _ClassVar[Category]
    CATEGORY_CARD_NUMBER: _ClassVar[Category]
    CATEGORY_CRYPTO_ADDRESS: _ClassVar[Category]
    CATEGORY_OFF_PLATFORM_INTENT: _ClassVar[Category]
    CATEGORY_GIBBERISH: _ClassVar[Category]
    CATEGORY_PLACEHOLDER: _ClassVar[Category]
    CATEGORY_PROFANITY: _ClassVar[Category]
    CATEGORY_THREAT: _ClassVar[Category]
    CATEGORY_HARASSMENT: _ClassVar[Category]
    CATEGORY_DUPLICATE_TEXT: _ClassVar[Category]

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_ALLOW: _ClassVar[Decision]
    DECISION_WARN: _ClassVar[Decision]
    DECISION_BLOCK: _ClassVar[Decision]

class Disguise(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DISGUISE_UNSPECIFIED: _ClassVar[Disguise]
    DISGUISE_UNICODE: _ClassVar[Disguise]
    DISGUISE_HOMOGLYPH: _ClassVar[Disguise]
    DISGUISE_AT_DOT_WORDS: _ClassVar[Disguise]
    DISGUISE_SPELLED_DIGITS: _ClassVar[Disguise]
    DISGUISE_SEPARATORS: _ClassVar[Disguise]
    DISGUISE_LEETSPEAK: _ClassVar[Disguise]

class MessageKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_KIND_UNSPECIFIED: _ClassVar[MessageKind]
    MESSAGE_KIND_PROPOSAL: _ClassVar[MessageKind]
    MESSAGE_KIND_INVITE: _ClassVar[MessageKind]
    MESSAGE_KIND_CHAT: _ClassVar[MessageKind]
CATEGORY_UNSPECIFIED: Category
CATEGORY_EMAIL: Category
CATEGORY_PHONE: Category
CATEGORY_URL: Category
CATEGORY_MESSAGING_HANDLE: Category
CATEGORY_PAYMENT_SERVICE: Category
CATEGORY_BANK_ACCOUNT: Category
CATEGORY_CARD_NUMBER: Category
CATEGORY_CRYPTO_ADDRESS: Category
CATEGORY_OFF_PLATFORM_INTENT: Category
CATEGORY_GIBBERISH: Category
CATEGORY_PLACEHOLDER: Category
CATEGORY_PROFANITY: Category
CATEGORY_THREAT: Category
CATEGORY_HARASSMENT: Category
CATEGORY_DUPLICATE_TEXT: Category
DECISION_UNSPECIFIED: Decision
DECISION_ALLOW: Decision
DECISION_WARN: Decision
DECISION_BLOCK: Decision
DISGUISE_UNSPECIFIED: Disguise
DISGUISE_UNICODE: Disguise
DISGUISE_HOMOGLYPH: Disguise
DISGUISE_AT_DOT_WORDS: Disguise
DISGUISE_SPELLED_DIGITS: Disguise
DISGUISE_SEPARATORS: Disguise
DISGUISE_LEETSPEAK: Disguise
MESSAGE_KIND_UNSPECIFIED: MessageKind
MESSAGE_KIND_PROPOSAL: MessageKind
MESSAGE_KIND_INVITE: MessageKind
MESSAGE_KIND_CHAT: MessageKind

class Finding(_message.Message):
    __slots__ = ("category", "field", "start", "end", "value", "disguises", "confidence", "detail")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    DISGUISES_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    category: Category
    field: str
    start: int
    end: int
    value: str
    disguises: _containers.RepeatedScalarFieldContainer[Disguise]
    confidence: float
    detail: str
    def __init__(self, category: _Optional[_Union[Category, str]] = ..., field: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., value: _Optional[str] = ..., disguises: _Optional[_Iterable[_Union[Disguise, str]]] = ..., confidence: _Optional[float] = ..., detail: _Optional[str] = ...) -> None: ...

class Reason(_message.Message):
    __slots__ = ("category", "effect", "rule")
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    EFFECT_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    category: Category
    effect: Decision
    rule: str
    def __init__(self, category: _Optional[_Union[Category, str]] = ..., effect: _Optional[_Union[Decision, str]] = ..., rule: _Optional[str] = ...) -> None: ...

class ScreenMessageRequest(_message.Message):
    __slots__ = ("text", "sender_account_id", "recipient_account_id", "contract_exists", "kind", "dry_run")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENDER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTRACT_EXISTS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    text: str
    sender_account_id: str
    recipient_account_id: str
    contract_exists: bool
    kind: MessageKind
    dry_run: bool
    def __init__(self, text: _Optional[str] = ..., sender_account_id: _Optional[str] = ..., recipient_account_id: _Optional[str] = ..., contract_exists: _Optional[bool] = ..., kind: _Optional[_Union[MessageKind, str]] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class ScreenMessageResponse(_message.Message):
    __slots__ = ("decision", "findings", "reasons", "redacted_text", "policy_version", "linked_details")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    REDACTED_TEXT_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    LINKED_DETAILS_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    redacted_text: str
    policy_version: str
    linked_details: int
    def __init__(self, decision: _Optional[_Union[Decision, str]] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., redacted_text: _Optional[str] = ..., policy_version: _Optional[str] = ..., linked_details: _Optional[int] = ...) -> None: ...

class ScreenProfileRequest(_message.Message):
    __slots__ = ("account_id", "title", "description", "skills", "dry_run")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SKILLS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    title: str
    description: str
    skills: _containers.RepeatedScalarFieldContainer[str]
    dry_run: bool
    def __init__(self, account_id: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., skills: _Optional[_Iterable[str]] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class ScreenProfileResponse(_message.Message):
    __slots__ = ("decision", "findings", "reasons", "redacted_title", "redacted_description", "redacted_skills", "policy_version", "text_linked")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    REDACTED_TITLE_FIELD_NUMBER: _ClassVar[int]
    REDACTED_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REDACTED_SKILLS_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    TEXT_LINKED_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    redacted_title: str
    redacted_description: str
    redacted_skills: str
    policy_version: str
    text_linked: bool
    def __init__(self, decision: _Optional[_Union[Decision, str]] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., redacted_title: _Optional[str] = ..., redacted_description: _Optional[str] = ..., redacted_skills: _Optional[str] = ..., policy_version: _Optional[str] = ..., text_linked: _Optional[bool] = ...) -> None: ...
