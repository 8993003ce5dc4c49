import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from linker.v1 import linking_service_pb2 as _linking_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FaceDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACE_DECISION_UNSPECIFIED: _ClassVar[FaceDecision]
    FACE_DECISION_MATCH: _ClassVar[FaceDecision]
    FACE_DECISION_NO_MATCH: _ClassVar[FaceDecision]
    FACE_DECISION_INCONCLUSIVE: _ClassVar[FaceDecision]

class ReferenceKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REFERENCE_KIND_UNSPECIFIED: _ClassVar[ReferenceKind]
    REFERENCE_KIND_PORTRAIT: _ClassVar[ReferenceKind]
    REFERENCE_KIND_DOCUMENT: _ClassVar[ReferenceKind]
    REFERENCE_KIND_DOCUMENT_PORTRAIT: _ClassVar[ReferenceKind]

class FaceReferenceClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACE_REFERENCE_CLASS_UNSPECIFIED: _ClassVar[FaceReferenceClass]
    FACE_REFERENCE_CLASS_PHOTO: _ClassVar[FaceReferenceClass]
    FACE_REFERENCE_CLASS_DOCUMENT_PORTRAIT: _ClassVar[FaceReferenceClass]
    FACE_REFERENCE_CLASS_DEGRADED_PORTRAIT: _ClassVar[FaceReferenceClass]

class FaceFusion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACE_FUSION_UNSPECIFIED: _ClassVar[FaceFusion]
    FACE_FUSION_EARLIER_SELFIE_MATCH: _ClassVar[FaceFusion]
    FACE_FUSION_EARLIER_SELFIE_NOT_MATCH: _ClassVar[FaceFusion]

class FaceReferenceSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FACE_REFERENCE_SOURCE_UNSPECIFIED: _ClassVar[FaceReferenceSource]
    FACE_REFERENCE_SOURCE_EARLIER_SELFIE: _ClassVar[FaceReferenceSource]

class FieldSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FIELD_SOURCE_UNSPECIFIED: _ClassVar[FieldSource]
    FIELD_SOURCE_MRZ: _ClassVar[FieldSource]
    FIELD_SOURCE_VIZ: _ClassVar[FieldSource]
    FIELD_SOURCE_BARCODE: _ClassVar[FieldSource]

class MrzFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MRZ_FORMAT_UNSPECIFIED: _ClassVar[MrzFormat]
    MRZ_FORMAT_TD1: _ClassVar[MrzFormat]
    MRZ_FORMAT_TD2: _ClassVar[MrzFormat]
    MRZ_FORMAT_TD3: _ClassVar[MrzFormat]
    MRZ_FORMAT_MRV_A: _ClassVar[MrzFormat]
    MRZ_FORMAT_MRV_B: _ClassVar[MrzFormat]

class MatchLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_LEVEL_UNSPECIFIED: _ClassVar[MatchLevel]
    MATCH_LEVEL_MATCH: _ClassVar[MatchLevel]
    MATCH_LEVEL_PARTIAL: _ClassVar[MatchLevel]
    MATCH_LEVEL_NO_MATCH: _ClassVar[MatchLevel]
    MATCH_LEVEL_NOT_COMPARED: _ClassVar[MatchLevel]

class TokenMatchKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOKEN_MATCH_KIND_UNSPECIFIED: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_EXACT: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_TRANSLITERATED: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_NICKNAME: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_INITIAL: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_FUZZY: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_TRUNCATED: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_MISSING: _ClassVar[TokenMatchKind]
    TOKEN_MATCH_KIND_EXTRA: _ClassVar[TokenMatchKind]

class VerificationDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_DECISION_UNSPECIFIED: _ClassVar[VerificationDecision]
    VERIFICATION_DECISION_APPROVE: _ClassVar[VerificationDecision]
    VERIFICATION_DECISION_REVIEW: _ClassVar[VerificationDecision]
    VERIFICATION_DECISION_REJECT: _ClassVar[VerificationDecision]

class ReverificationReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVERIFICATION_REASON_UNSPECIFIED: _ClassVar[ReverificationReason]
    REVERIFICATION_REASON_SUSPECTED_FRAUD: _ClassVar[ReverificationReason]
    REVERIFICATION_REASON_ACCOUNT_TAKEOVER: _ClassVar[ReverificationReason]
    REVERIFICATION_REASON_USER_REPORT: _ClassVar[ReverificationReason]
    REVERIFICATION_REASON_DOCUMENT_UPDATED: _ClassVar[ReverificationReason]
    REVERIFICATION_REASON_OTHER: _ClassVar[ReverificationReason]
FACE_DECISION_UNSPECIFIED: FaceDecision
FACE_DECISION_MATCH: FaceDecision
FACE_DECISION_NO_MATCH: FaceDecision
FACE_DECISION_INCONCLUSIVE: FaceDecision
REFERENCE_KIND_UNSPECIFIED: ReferenceKind
REFERENCE_KIND_PORTRAIT: ReferenceKind
REFERENCE_KIND_DOCUMENT: ReferenceKind
REFERENCE_KIND_DOCUMENT_PORTRAIT: ReferenceKind
FACE_REFERENCE_CLASS_UNSPECIFIED: FaceReferenceClass
FACE_REFERENCE_CLASS_PHOTO: FaceReferenceClass
FACE_REFERENCE_CLASS_DOCUMENT_PORTRAIT: FaceReferenceClass
FACE_REFERENCE_CLASS_DEGRADED_PORTRAIT: FaceReferenceClass
FACE_FUSION_UNSPECIFIED: FaceFusion
FACE_FUSION_EARLIER_SELFIE_MATCH: FaceFusion
FACE_FUSION_EARLIER_SELFIE_NOT_MATCH: FaceFusion
FACE_REFERENCE_SOURCE_UNSPECIFIED: FaceReferenceSource
FACE_REFERENCE_SOURCE_EARLIER_SELFIE: FaceReferenceSource
FIELD_SOURCE_UNSPECIFIED: FieldSource
FIELD_SOURCE_MRZ: FieldSource
FIELD_SOURCE_VIZ: FieldSource
FIELD_SOURCE_BARCODE: FieldSource
MRZ_FORMAT_UNSPECIFIED: MrzFormat
MRZ_FORMAT_TD1: MrzFormat
MRZ_FORMAT_TD2: MrzFormat
MRZ_FORMAT_TD3: MrzFormat
MRZ_FORMAT_MRV_A: MrzFormat
MRZ_FORMAT_MRV_B: MrzFormat
MATCH_LEVEL_UNSPECIFIED: MatchLevel
MATCH_LEVEL_MATCH: MatchLevel
MATCH_LEVEL_PARTIAL: MatchLevel
MATCH_LEVEL_NO_MATCH: MatchLevel
MATCH_LEVEL_NOT_COMPARED: MatchLevel
TOKEN_MATCH_KIND_UNSPECIFIED: TokenMatchKind
TOKEN_MATCH_KIND_EXACT: TokenMatchKind
TOKEN_MATCH_KIND_TRANSLITERATED: TokenMatchKind
TOKEN_MATCH_KIND_NICKNAME: TokenMatchKind
TOKEN_MATCH_KIND_INITIAL: TokenMatchKind
TOKEN_MATCH_KIND_FUZZY: TokenMatchKind
TOKEN_MATCH_KIND_TRUNCATED: TokenMatchKind
TOKEN_MATCH_KIND_MISSING: TokenMatchKind
TOKEN_MATCH_KIND_EXTRA: TokenMatchKind
VERIFICATION_DECISION_UNSPECIFIED: VerificationDecision
VERIFICATION_DECISION_APPROVE: VerificationDecision
VERIFICATION_DECISION_REVIEW: VerificationDecision
VERIFICATION_DECISION_REJECT: VerificationDecision
REVERIFICATION_REASON_UNSPECIFIED: ReverificationReason
REVERIFICATION_REASON_SUSPECTED_FRAUD: ReverificationReason
REVERIFICATION_REASON_ACCOUNT_TAKEOVER: ReverificationReason
REVERIFICATION_REASON_USER_REPORT: ReverificationReason
REVERIFICATION_REASON_DOCUMENT_UPDATED: ReverificationReason
REVERIFICATION_REASON_OTHER: ReverificationReason

class Image(_message.Message):
    __slots__ = ("content", "label")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    label: str
    def __init__(self, content: _Optional[bytes] = ..., label: _Optional[str] = ...) -> None: ...

class Reason(_message.Message):
    __slots__ = ("code", "message", "source", "rule")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    source: str
    rule: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., source: _Optional[str] = ..., rule: _Optional[str] = ...) -> None: ...

class BoundingBox(_message.Message):
    __slots__ = ("left", "top", "width", "height")
    LEFT_FIELD_NUMBER: _ClassVar[int]
    TOP_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    left: int
    top: int
    width: int
    height: int
    def __init__(self, left: _Optional[int] = ..., top: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class StageTiming(_message.Message):
    __slots__ = ("stage", "milliseconds")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    MILLISECONDS_FIELD_NUMBER: _ClassVar[int]
    stage: str
    milliseconds: float
    def __init__(self, stage: _Optional[str] = ..., milliseconds: _Optional[float] = ...) -> None: ...

class FaceQualityThresholds(_message.Message):
    __slots__ = ("min_face_width_px", "min_inter_eye_distance_px", "min_sharpness", "min_brightness", "max_brightness", "min_contrast", "max_yaw_degrees", "max_pitch_degrees")
    MIN_FACE_WIDTH_PX_FIELD_NUMBER: _ClassVar[int]
    MIN_INTER_EYE_DISTANCE_PX_FIELD_NUMBER: _ClassVar[int]
    MIN_SHARPNESS_FIELD_NUMBER: _ClassVar[int]
    MIN_BRIGHTNESS_FIELD_NUMBER: _ClassVar[int]
    MAX_BRIGHTNESS_FIELD_NUMBER: _ClassVar[int]
    MIN_CONTRAST_FIELD_NUMBER: _ClassVar[int]
    MAX_YAW_DEGREES_FIELD_NUMBER: _ClassVar[int]
    MAX_PITCH_DEGREES_FIELD_NUMBER: _ClassVar[int]
    min_face_width_px: float
    min_inter_eye_distance_px: float
    min_sharpness: float
    min_brightness: float
    max_brightness: float
    min_contrast: float
    max_yaw_degrees: float
    max_pitch_degrees: float
    def __init__(self, min_face_width_px: _Optional[float] = ..., min_inter_eye_distance_px: _Optional[float] = ..., min_sharpness: _Optional[float] = ..., min_brightness: _Optional[float] = ..., max_brightness: _Optional[float] = ..., min_contrast: _Optional[float] = ..., max_yaw_degrees: _Optional[float] = ..., max_pitch_degrees: _Optional[float] = ...) -> None: ...

class FaceQuality(_message.Message):
    __slots__ = ("face_width_px", "inter_eye_distance_px", "sharpness", "brightness", "contrast", "yaw_degrees", "pitch_degrees", "acceptable", "reasons", "thresholds", "saturation")
    FACE_WIDTH_PX_FIELD_NUMBER: _ClassVar[int]
    INTER_EYE_DISTANCE_PX_FIELD_NUMBER: _ClassVar[int]
    SHARPNESS_FIELD_NUMBER: _ClassVar[int]
    BRIGHTNESS_FIELD_NUMBER: _ClassVar[int]
    CONTRAST_FIELD_NUMBER: _ClassVar[int]
    YAW_DEGREES_FIELD_NUMBER: _ClassVar[int]
    PITCH_DEGREES_FIELD_NUMBER: _ClassVar[int]
    ACCEPTABLE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    SATURATION_FIELD_NUMBER: _ClassVar[int]
    face_width_px: float
    inter_eye_distance_px: float
    sharpness: float
    brightness: float
    contrast: float
    yaw_degrees: float
    pitch_degrees: float
    acceptable: bool
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    thresholds: FaceQualityThresholds
    saturation: float
    def __init__(self, face_width_px: _Optional[float] = ..., inter_eye_distance_px: _Optional[float] = ..., sharpness: _Optional[float] = ..., brightness: _Optional[float] = ..., contrast: _Optional[float] = ..., yaw_degrees: _Optional[float] = ..., pitch_degrees: _Optional[float] = ..., acceptable: _Optional[bool] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., thresholds: _Optional[_Union[FaceQualityThresholds, _Mapping]] = ..., saturation: _Optional[float] = ...) -> None: ...

class DetectedFace(_message.Message):
    __slots__ = ("box", "quality", "selected", "role")
    BOX_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    box: BoundingBox
    quality: FaceQuality
    selected: bool
    role: str
    def __init__(self, box: _Optional[_Union[BoundingBox, _Mapping]] = ..., quality: _Optional[_Union[FaceQuality, _Mapping]] = ..., selected: _Optional[bool] = ..., role: _Optional[str] = ...) -> None: ...

class ImageAnalysis(_message.Message):
    __slots__ = ("width", "height", "format", "faces", "selected_face_index", "reasons", "portrait_cropped")
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FACES_FIELD_NUMBER: _ClassVar[int]
    SELECTED_FACE_INDEX_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    PORTRAIT_CROPPED_FIELD_NUMBER: _ClassVar[int]
    width: int
    height: int
    format: str
    faces: _containers.RepeatedCompositeFieldContainer[DetectedFace]
    selected_face_index: int
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    portrait_cropped: bool
    def __init__(self, width: _Optional[int] = ..., height: _Optional[int] = ..., format: _Optional[str] = ..., faces: _Optional[_Iterable[_Union[DetectedFace, _Mapping]]] = ..., selected_face_index: _Optional[int] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., portrait_cropped: _Optional[bool] = ...) -> None: ...

class FaceThresholds(_message.Message):
    __slots__ = ("match_distance", "no_match_distance", "reference_class")
    MATCH_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    NO_MATCH_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_CLASS_FIELD_NUMBER: _ClassVar[int]
    match_distance: float
    no_match_distance: float
    reference_class: FaceReferenceClass
    def __init__(self, match_distance: _Optional[float] = ..., no_match_distance: _Optional[float] = ..., reference_class: _Optional[_Union[FaceReferenceClass, str]] = ...) -> None: ...

class CompareFacesRequest(_message.Message):
    __slots__ = ("reference", "probe", "reference_kind")
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PROBE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    reference: Image
    probe: Image
    reference_kind: ReferenceKind
    def __init__(self, reference: _Optional[_Union[Image, _Mapping]] = ..., probe: _Optional[_Union[Image, _Mapping]] = ..., reference_kind: _Optional[_Union[ReferenceKind, str]] = ...) -> None: ...

class CompareFacesResponse(_message.Message):
    __slots__ = ("decision", "distance", "similarity", "has_distance", "reference", "probe", "reasons", "thresholds", "model", "timings", "reference_decision", "fusion", "other_references")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    HAS_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    PROBE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_DECISION_FIELD_NUMBER: _ClassVar[int]
    FUSION_FIELD_NUMBER: _ClassVar[int]
    OTHER_REFERENCES_FIELD_NUMBER: _ClassVar[int]
    decision: FaceDecision
    distance: float
    similarity: float
    has_distance: bool
    reference: ImageAnalysis
    probe: ImageAnalysis
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    thresholds: FaceThresholds
    model: str
    timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    reference_decision: FaceDecision
    fusion: FaceFusion
    other_references: _containers.RepeatedCompositeFieldContainer[FaceReferenceComparison]
    def __init__(self, decision: _Optional[_Union[FaceDecision, str]] = ..., distance: _Optional[float] = ..., similarity: _Optional[float] = ..., has_distance: _Optional[bool] = ..., reference: _Optional[_Union[ImageAnalysis, _Mapping]] = ..., probe: _Optional[_Union[ImageAnalysis, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., thresholds: _Optional[_Union[FaceThresholds, _Mapping]] = ..., model: _Optional[str] = ..., timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ..., reference_decision: _Optional[_Union[FaceDecision, str]] = ..., fusion: _Optional[_Union[FaceFusion, str]] = ..., other_references: _Optional[_Iterable[_Union[FaceReferenceComparison, _Mapping]]] = ...) -> None: ...

class FaceReferenceComparison(_message.Message):
    __slots__ = ("source", "decision", "distance", "has_distance", "thresholds", "reasons")
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    DISTANCE_FIELD_NUMBER: _ClassVar[int]
    HAS_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLDS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    source: FaceReferenceSource
    decision: FaceDecision
    distance: float
    has_distance: bool
    thresholds: FaceThresholds
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    def __init__(self, source: _Optional[_Union[FaceReferenceSource, str]] = ..., decision: _Optional[_Union[FaceDecision, str]] = ..., distance: _Optional[float] = ..., has_distance: _Optional[bool] = ..., thresholds: _Optional[_Union[FaceThresholds, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ...) -> None: ...

class Document(_message.Message):
    __slots__ = ("document_type", "issuing_country", "surname", "given_names", "document_number", "nationality", "birth_date", "sex", "expiry_date", "optional_data", "mrz_lines", "mrz_format", "name_truncated")
    DOCUMENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ISSUING_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    SURNAME_FIELD_NUMBER: _ClassVar[int]
    GIVEN_NAMES_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    SEX_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_DATE_FIELD_NUMBER: _ClassVar[int]
    OPTIONAL_DATA_FIELD_NUMBER: _ClassVar[int]
    MRZ_LINES_FIELD_NUMBER: _ClassVar[int]
    MRZ_FORMAT_FIELD_NUMBER: _ClassVar[int]
    NAME_TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    document_type: str
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    optional_data: str
    mrz_lines: _containers.RepeatedScalarFieldContainer[str]
    mrz_format: MrzFormat
    name_truncated: bool
    def __init__(self, document_type: _Optional[str] = ..., issuing_country: _Optional[str] = ..., surname: _Optional[str] = ..., given_names: _Optional[str] = ..., document_number: _Optional[str] = ..., nationality: _Optional[str] = ..., birth_date: _Optional[str] = ..., sex: _Optional[str] = ..., expiry_date: _Optional[str] = ..., optional_data: _Optional[str] = ..., mrz_lines: _Optional[_Iterable[str]] = ..., mrz_format: _Optional[_Union[MrzFormat, str]] = ..., name_truncated: _Optional[bool] = ...) -> None: ...

class FieldReading(_message.Message):
    __slots__ = ("field", "value", "source", "confidence")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    field: str
    value: str
    source: FieldSource
    confidence: float
    def __init__(self, field: _Optional[str] = ..., value: _Optional[str] = ..., source: _Optional[_Union[FieldSource, str]] = ..., confidence: _Optional[float] = ...) -> None: ...

class CheckDigit(_message.Message):
    __slots__ = ("field", "valid", "read", "computed", "corrected")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    VALID_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    COMPUTED_FIELD_NUMBER: _ClassVar[int]
    CORRECTED_FIELD_NUMBER: _ClassVar[int]
    field: str
    valid: bool
    read: str
    computed: str
    corrected: bool
    def __init__(self, field: _Optional[str] = ..., valid: _Optional[bool] = ..., read: _Optional[str] = ..., computed: _Optional[str] = ..., corrected: _Optional[bool] = ...) -> None: ...

class FieldComparison(_message.Message):
    __slots__ = ("field", "mrz_value", "other_value", "other_source", "agree", "similarity", "other_confidence", "conclusive")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MRZ_VALUE_FIELD_NUMBER: _ClassVar[int]
    OTHER_VALUE_FIELD_NUMBER: _ClassVar[int]
    OTHER_SOURCE_FIELD_NUMBER: _ClassVar[int]
    AGREE_FIELD_NUMBER: _ClassVar[int]
    SIMILARITY_FIELD_NUMBER: _ClassVar[int]
    OTHER_CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    CONCLUSIVE_FIELD_NUMBER: _ClassVar[int]
    field: str
    mrz_value: str
    other_value: str
    other_source: FieldSource
    agree: bool
    similarity: float
    other_confidence: float
    conclusive: bool
    def __init__(self, field: _Optional[str] = ..., mrz_value: _Optional[str] = ..., other_value: _Optional[str] = ..., other_source: _Optional[_Union[FieldSource, str]] = ..., agree: _Optional[bool] = ..., similarity: _Optional[float] = ..., other_confidence: _Optional[float] = ..., conclusive: _Optional[bool] = ...) -> None: ...

class ReadDocumentRequest(_message.Message):
    __slots__ = ("images",)
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[Image]
    def __init__(self, images: _Optional[_Iterable[_Union[Image, _Mapping]]] = ...) -> None: ...

class ReadDocumentResponse(_message.Message):
    __slots__ = ("document", "fields", "check_digits", "mrz_score", "comparisons", "reasons", "portrait_box", "portrait_image_index", "portrait_png", "timings")
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    FIELDS_FIELD_NUMBER: _ClassVar[int]
    CHECK_DIGITS_FIELD_NUMBER: _ClassVar[int]
    MRZ_SCORE_FIELD_NUMBER: _ClassVar[int]
    COMPARISONS_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    PORTRAIT_BOX_FIELD_NUMBER: _ClassVar[int]
    PORTRAIT_IMAGE_INDEX_FIELD_NUMBER: _ClassVar[int]
    PORTRAIT_PNG_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    document: Document
    fields: _containers.RepeatedCompositeFieldContainer[FieldReading]
    check_digits: _containers.RepeatedCompositeFieldContainer[CheckDigit]
    mrz_score: int
    comparisons: _containers.RepeatedCompositeFieldContainer[FieldComparison]
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    portrait_box: BoundingBox
    portrait_image_index: int
    portrait_png: bytes
    timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    def __init__(self, document: _Optional[_Union[Document, _Mapping]] = ..., fields: _Optional[_Iterable[_Union[FieldReading, _Mapping]]] = ..., check_digits: _Optional[_Iterable[_Union[CheckDigit, _Mapping]]] = ..., mrz_score: _Optional[int] = ..., comparisons: _Optional[_Iterable[_Union[FieldComparison, _Mapping]]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., portrait_box: _Optional[_Union[BoundingBox, _Mapping]] = ..., portrait_image_index: _Optional[int] = ..., portrait_png: _Optional[bytes] = ..., timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ...) -> None: ...

class DeclaredProfile(_message.Message):
    __slots__ = ("full_name", "birth_date", "email", "phone", "country", "nationality", "residence_country")
    FULL_NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_COUNTRY_FIELD_NUMBER: _ClassVar[int]
    full_name: str
    birth_date: str
    email: str
    phone: str
    country: str
    nationality: str
    residence_country: str
    def __init__(self, full_name: _Optional[str] = ..., birth_date: _Optional[str] = ..., email: _Optional[str] = ..., phone: _Optional[str] = ..., country: _Optional[str] = ..., nationality: _Optional[str] = ..., residence_country: _Optional[str] = ...) -> None: ...

class TokenMatch(_message.Message):
    __slots__ = ("declared", "document", "kind", "score")
    DECLARED_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    declared: str
    document: str
    kind: TokenMatchKind
    score: float
    def __init__(self, declared: _Optional[str] = ..., document: _Optional[str] = ..., kind: _Optional[_Union[TokenMatchKind, str]] = ..., score: _Optional[float] = ...) -> None: ...

class NameMatch(_message.Message):
    __slots__ = ("score", "level", "tokens")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    score: float
    level: MatchLevel
    tokens: _containers.RepeatedCompositeFieldContainer[TokenMatch]
    def __init__(self, score: _Optional[float] = ..., level: _Optional[_Union[MatchLevel, str]] = ..., tokens: _Optional[_Iterable[_Union[TokenMatch, _Mapping]]] = ...) -> None: ...

class FieldMatch(_message.Message):
    __slots__ = ("level", "score", "declared_normalized", "reference_normalized", "detail")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DECLARED_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_NORMALIZED_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    level: MatchLevel
    score: float
    declared_normalized: str
    reference_normalized: str
    detail: str
    def __init__(self, level: _Optional[_Union[MatchLevel, str]] = ..., score: _Optional[float] = ..., declared_normalized: _Optional[str] = ..., reference_normalized: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class MatchProfileRequest(_message.Message):
    __slots__ = ("declared", "document", "known_emails", "known_phones")
    DECLARED_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    KNOWN_EMAILS_FIELD_NUMBER: _ClassVar[int]
    KNOWN_PHONES_FIELD_NUMBER: _ClassVar[int]
    declared: DeclaredProfile
    document: Document
    known_emails: _containers.RepeatedScalarFieldContainer[str]
    known_phones: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, declared: _Optional[_Union[DeclaredProfile, _Mapping]] = ..., document: _Optional[_Union[Document, _Mapping]] = ..., known_emails: _Optional[_Iterable[str]] = ..., known_phones: _Optional[_Iterable[str]] = ...) -> None: ...

class MatchProfileResponse(_message.Message):
    __slots__ = ("level", "name", "birth_date", "country", "email", "phone", "reasons", "nationality", "residence")
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    NATIONALITY_FIELD_NUMBER: _ClassVar[int]
    RESIDENCE_FIELD_NUMBER: _ClassVar[int]
    level: MatchLevel
    name: NameMatch
    birth_date: FieldMatch
    country: FieldMatch
    email: FieldMatch
    phone: FieldMatch
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    nationality: FieldMatch
    residence: FieldMatch
    def __init__(self, level: _Optional[_Union[MatchLevel, str]] = ..., name: _Optional[_Union[NameMatch, _Mapping]] = ..., birth_date: _Optional[_Union[FieldMatch, _Mapping]] = ..., country: _Optional[_Union[FieldMatch, _Mapping]] = ..., email: _Optional[_Union[FieldMatch, _Mapping]] = ..., phone: _Optional[_Union[FieldMatch, _Mapping]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., nationality: _Optional[_Union[FieldMatch, _Mapping]] = ..., residence: _Optional[_Union[FieldMatch, _Mapping]] = ...) -> None: ...

class VerifyIdentityRequest(_message.Message):
    __slots__ = ("profile_photo", "document_images", "declared", "account_id")
    PROFILE_PHOTO_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_IMAGES_FIELD_NUMBER: _ClassVar[int]
    DECLARED_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    profile_photo: Image
    document_images: _containers.RepeatedCompositeFieldContainer[Image]
    declared: DeclaredProfile
    account_id: str
    def __init__(self, profile_photo: _Optional[_Union[Image, _Mapping]] = ..., document_images: _Optional[_Iterable[_Union[Image, _Mapping]]] = ..., declared: _Optional[_Union[DeclaredProfile, _Mapping]] = ..., account_id: _Optional[str] = ...) -> None: ...

class VerifyIdentityResponse(_message.Message):
    __slots__ = ("decision", "reasons", "document", "face", "profile", "steps", "policy_version", "timings")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    FACE_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    decision: VerificationDecision
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    document: ReadDocumentResponse
    face: CompareFacesResponse
    profile: MatchProfileResponse
    steps: _containers.RepeatedScalarFieldContainer[str]
    policy_version: str
    timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    def __init__(self, decision: _Optional[_Union[VerificationDecision, str]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., document: _Optional[_Union[ReadDocumentResponse, _Mapping]] = ..., face: _Optional[_Union[CompareFacesResponse, _Mapping]] = ..., profile: _Optional[_Union[MatchProfileResponse, _Mapping]] = ..., steps: _Optional[_Iterable[str]] = ..., policy_version: _Optional[str] = ..., timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ...) -> None: ...

class SignupRequest(_message.Message):
    __slots__ = ("verification", "kind", "owner_account_id", "signals", "dry_run")
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OWNER_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNALS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    verification: VerifyIdentityRequest
    kind: _linking_service_pb2.AccountKind
    owner_account_id: str
    signals: _containers.RepeatedCompositeFieldContainer[_linking_service_pb2.Signal]
    dry_run: bool
    def __init__(self, verification: _Optional[_Union[VerifyIdentityRequest, _Mapping]] = ..., kind: _Optional[_Union[_linking_service_pb2.AccountKind, str]] = ..., owner_account_id: _Optional[str] = ..., signals: _Optional[_Iterable[_Union[_linking_service_pb2.Signal, _Mapping]]] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class SignupResponse(_message.Message):
    __slots__ = ("decision", "reasons", "verification", "registered", "checked", "identity_signals", "replayed", "policy_version", "timings")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_SIGNALS_FIELD_NUMBER: _ClassVar[int]
    REPLAYED_FIELD_NUMBER: _ClassVar[int]
    POLICY_VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMINGS_FIELD_NUMBER: _ClassVar[int]
    decision: VerificationDecision
    reasons: _containers.RepeatedCompositeFieldContainer[Reason]
    verification: VerifyIdentityResponse
    registered: _linking_service_pb2.RegisterAccountResponse
    checked: _linking_service_pb2.CheckAccountResponse
    identity_signals: _containers.RepeatedScalarFieldContainer[_linking_service_pb2.SignalType]
    replayed: bool
    policy_version: str
    timings: _containers.RepeatedCompositeFieldContainer[StageTiming]
    def __init__(self, decision: _Optional[_Union[VerificationDecision, str]] = ..., reasons: _Optional[_Iterable[_Union[Reason, _Mapping]]] = ..., verification: _Optional[_Union[VerifyIdentityResponse, _Mapping]] = ..., registered: _Optional[_Union[_linking_service_pb2.RegisterAccountResponse, _Mapping]] = ..., checked: _Optional[_Union[_linking_service_pb2.CheckAccountResponse, _Mapping]] = ..., identity_signals: _Optional[_Iterable[_Union[_linking_service_pb2.SignalType, str]]] = ..., replayed: _Optional[bool] = ..., policy_version: _Optional[str] = ..., timings: _Optional[_Iterable[_Union[StageTiming, _Mapping]]] = ...) -> None: ...

class RequestReverificationRequest(_message.Message):
    __slots__ = ("account_id", "reason")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    reason: ReverificationReason
    def __init__(self, account_id: _Optional[str] = ..., reason: _Optional[_Union[ReverificationReason, str]] = ...) -> None: ...

class RequestReverificationResponse(_message.Message):
    __slots__ = ("account_id", "requested_at", "requested_by")
    ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    account_id: str
    requested_at: _timestamp_pb2.Timestamp
    requested_by: str
    def __init__(self, account_id: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., requested_by: _Optional[str] = ...) -> None: ...
