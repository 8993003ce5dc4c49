"""Turn responses and failed calls into plain, JSON-ready observations. Pure: no I/O.

An observation is what the runner saw for one case: the decision (short enum name such as
``MATCH``), every reason code anywhere in the response (for screening, the findings' categories), the key scores, the document fields and
the whole response as a plain dict (enum values by short name, bytes as their length), or the
gRPC error (status code, ErrorInfo reason, message).
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor
from google.protobuf.message import Message

__all__ = ["enum_short_name", "error_observation", "key_scores", "observe", "reason_codes", "to_plain"]

_DOCUMENT_FIELDS = ("document_type", "issuing_country", "surname", "given_names", "document_number",
                    "nationality", "birth_date", "sex", "expiry_date", "optional_data")


def _prefix(enum: EnumDescriptor) -> str:
    # FaceDecision -> FACE_DECISION_ (buf style: every value carries its enum's name)
    snake = "".join(f"_{c}" if c.isupper() else c for c in enum.name).upper().lstrip("_")
    return snake + "_"


def enum_short_name(enum: EnumDescriptor, number: int) -> str:
    """``FACE_DECISION_MATCH`` -> ``MATCH``; an unknown number is returned as its digits."""
    value = enum.values_by_number.get(number)
    if value is None:
        return str(number)
    return value.name.removeprefix(_prefix(enum))


def _plain_value(field: FieldDescriptor, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return to_plain(value)
    if field.type == FieldDescriptor.TYPE_ENUM:
        return enum_short_name(field.enum_type, value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return f"<{len(value)} bytes>"  # images and portraits stay out of reports
    if field.type in (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE):
        return round(float(value), 6)
    return value


def to_plain(message: Message) -> dict[str, Any]:
    """Every field of ``message`` as plain Python values, defaults included.

    Unset singular sub-messages are left out; enum values are short names; bytes become
    ``"<N bytes>"``; floats are rounded to 6 decimals.
    """
    out: dict[str, Any] = {}
    descriptor: Descriptor = message.DESCRIPTOR
    for field in descriptor.fields:
        value = getattr(message, field.name)
        if field.is_repeated:
            out[field.name] = [_plain_value(field, v) for v in value]
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            if message.HasField(field.name):
                out[field.name] = to_plain(value)
        else:
            out[field.name] = _plain_value(field, value)
    return out


def reason_codes(plain: Any) -> list[str]:
    """Every ``reasons[].code`` anywhere in a plain response, sorted and unique."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reasons" and isinstance(value, list):
                    found.update(r["code"] for r in value if isinstance(r, dict) and r.get("code"))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(plain)
    return sorted(found)


def _get(plain: dict[str, Any], path: str) -> Any:
    node: Any = plain
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def key_scores(rpc: str, plain: dict[str, Any]) -> dict[str, float]:
    """The scores a report shows for a response: face distance, MRZ score, name score."""
    paths = {
        "CompareFaces": {"distance": "distance", "similarity": "similarity"},
        "ReadDocument": {"mrz_score": "mrz_score"},
        "MatchProfile": {"name_score": "name.score"},
        "VerifyIdentity": {"distance": "face.distance", "similarity": "face.similarity",
                           "mrz_score": "document.mrz_score", "name_score": "profile.name.score"},
        "ScreenMessage": {},
        "ScreenProfile": {},
    }[rpc]
    has_distance = {"CompareFaces": "has_distance", "VerifyIdentity": "face.has_distance"}.get(rpc)
    out: dict[str, float] = {}
    for name, path in paths.items():
        if name in ("distance", "similarity") and has_distance and not _get(plain, has_distance):
            continue  # no pair of faces was compared: 0 would read as a perfect match
        value = _get(plain, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def observe(rpc: str, response: Message, milliseconds: float) -> dict[str, Any]:
    """The observation of a successful call."""
    plain = to_plain(response)
    decision = {
        "CompareFaces": lambda p: p.get("decision"),
        "ReadDocument": lambda p: None,
        "MatchProfile": lambda p: p.get("level"),
        "VerifyIdentity": lambda p: p.get("decision"),
        "ScreenMessage": lambda p: p.get("decision"),
        "ScreenProfile": lambda p: p.get("decision"),
    }[rpc](plain)
    document_node = {"ReadDocument": "document", "VerifyIdentity": "document.document"}.get(rpc)
    document = {}
    if document_node:
        node = _get(plain, document_node) or {}
        document = {k: node.get(k, "") for k in _DOCUMENT_FIELDS}
    # a screening answer's "reasons" are the categories of its findings (CARD_NUMBER, THREAT)
    reasons = (sorted({f["category"] for f in plain.get("findings", ())}) if rpc.startswith("Screen")
               else reason_codes(plain))
    return {"decision": decision, "reasons": reasons, "scores": key_scores(rpc, plain),
            "document": document, "error": None, "milliseconds": round(milliseconds, 2), "response": plain}


def error_observation(code: str, reason: str | None, message: str, milliseconds: float) -> dict[str, Any]:
    """The observation of a failed call: its status code name, ErrorInfo reason and message."""
    return {"decision": None, "reasons": [], "scores": {}, "document": {},
            "error": {"code": code, "reason": reason, "message": message},
            "milliseconds": round(milliseconds, 2), "response": None}
