"""Checks every request message gets before its servicer sees it, whatever the RPC.

Generic limits that no RPC should have to repeat: strings no longer than
``MAX_STRING_CHARS`` (identifiers, names and codes are short; megabyte strings are an attack or a
bug) except the free-text fields of :data:`LONG_TEXT_FIELDS` (a proposal or a job post runs to
pages), repeated fields no longer than ``MAX_REPEATED``, every float finite (a NaN in a face
embedding would poison the index). Bytes fields (images) are bounded by the message size limit
and by the image intake. Violations raise InvalidInput naming the field path.
"""

from __future__ import annotations

import math

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from idverify.errors import InvalidInput

__all__ = ["LONG_TEXT_FIELDS", "MAX_REPEATED", "MAX_STRING_CHARS", "validate_request"]

MAX_STRING_CHARS = 4096
#: Fields (by full protobuf name) that hold what people write, and their own limit in characters;
#: the screening use cases apply ``[screening] max_text_chars`` within it.
LONG_TEXT_FIELDS = {
    "idverify.screening.v1.ScreenMessageRequest.text": 20_000,
    "idverify.screening.v1.ScreenProfileRequest.description": 20_000,
}
MAX_REPEATED = 1024
_FLOATS = (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE)


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 5.28+ has is_repeated; `label` is gone in protobuf 7
    is_repeated = getattr(field, "is_repeated", None)
    return bool(is_repeated) if is_repeated is not None else field.label == FieldDescriptor.LABEL_REPEATED


def validate_request(message: Message, path: str = "") -> None:
    """Raise InvalidInput when any field of ``message`` breaks a generic limit."""
    for field, value in message.ListFields():
        where = f"{path}.{field.name}" if path else field.name
        repeated = _is_repeated(field)
        values = value if repeated else (value,)
        if repeated and len(values) > MAX_REPEATED:
            raise InvalidInput(f"{where} has {len(values)} items; at most {MAX_REPEATED}",
                               reason="TOO_MANY_ITEMS", metadata={"field": where})
        if field.type == FieldDescriptor.TYPE_STRING:
            limit = LONG_TEXT_FIELDS.get(field.full_name, MAX_STRING_CHARS)
            for v in values:
                if len(v) > limit:
                    raise InvalidInput(f"{where} is {len(v)} characters long; at most {limit}",
                                       reason="FIELD_TOO_LONG", metadata={"field": where})
                if "\x00" in v:
                    raise InvalidInput(f"{where} contains a NUL character", reason="FIELD_INVALID",
                                       metadata={"field": where})
        elif field.type in _FLOATS:
            for v in values:
                if not math.isfinite(v):
                    raise InvalidInput(f"{where} must be finite, not {v}", reason="NOT_FINITE",
                                       metadata={"field": where})
        elif field.type == FieldDescriptor.TYPE_MESSAGE and not field.message_type.GetOptions().map_entry:
            for i, v in enumerate(values):
                validate_request(v, f"{where}[{i}]" if repeated else where)
