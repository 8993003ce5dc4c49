"""Walk protobuf messages for face templates (not a test module)."""

from __future__ import annotations

from google.protobuf.message import Message

__all__ = ["templates_in"]


def templates_in(message: Message) -> list[str]:
    """Paths of every repeated float field of 64 values or more anywhere in ``message``: a face
    template, whatever the field is called."""
    found = []
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            items = value if field.is_repeated else [value]
            for item in items:
                found += [f"{field.name}.{p}" for p in templates_in(item)]
        elif field.type in (field.TYPE_FLOAT, field.TYPE_DOUBLE) and field.is_repeated and len(value) >= 64:
            found.append(field.name)
    return found
