"""Which face on an image the comparison uses, and why (pure logic, no I/O).

A probe (profile photo) must show one dominant face: a second face at least
``dominance_ratio`` of the largest face's width makes it ambiguous (MULTIPLE_FACES), because
"verified when any of several faces matches" is exactly the failure we must not have. On a
document the largest face is the main portrait; the smaller ones are the ghost portraits many
IDs print for security, and are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Selection", "looks_like_document", "select_face"]

#: The roles reported in DetectedFace.role.
Role = Literal["dominant", "main_portrait", "ghost_portrait", "secondary"]

# ID-1 cards are 1.586:1 and passport data pages about 1.42:1; photos of them add a margin.
_DOCUMENT_ASPECT = (1.25, 1.85)
# On a document photo the portrait is a small part of the width; on a profile photo it is not.
_DOCUMENT_MAX_FACE_FRACTION = 0.33


@dataclass(frozen=True)
class Selection:
    """The selected face's index (or -1), each face's role, and image-level reason codes."""

    index: int
    roles: tuple[Role, ...]
    reasons: tuple[str, ...]


def select_face(
    widths: Sequence[float], *, document: bool, dominance_ratio: float
) -> Selection:
    """Select among faces given their widths in pixels, largest first.

    ``document`` picks document rules (main and ghost portraits); otherwise portrait rules
    (one dominant face). Reasons: NO_FACE, PORTRAIT_NOT_FOUND (document without a face),
    MULTIPLE_FACES.
    """
    if list(widths) != sorted(widths, reverse=True):
        raise ValueError("widths must be sorted largest first")
    if not widths:
        return Selection(-1, (), ("NO_FACE", "PORTRAIT_NOT_FOUND") if document else ("NO_FACE",))
    if document:
        return Selection(0, ("main_portrait",) + ("ghost_portrait",) * (len(widths) - 1), ())
    if len(widths) > 1 and widths[1] >= dominance_ratio * widths[0]:
        return Selection(-1, ("secondary",) * len(widths), ("MULTIPLE_FACES",))
    return Selection(0, ("dominant",) + ("secondary",) * (len(widths) - 1), ())


def looks_like_document(width: int, height: int, widths: Sequence[float]) -> bool:
    """Guess whether an image of ``width`` x ``height`` px with faces of ``widths`` px (largest
    first) is a photo of an ID document: landscape card proportions and a portrait that is a
    small part of the width. Used when the caller leaves the reference kind unspecified."""
    if not widths or height <= 0:
        return False
    aspect = width / height
    return _DOCUMENT_ASPECT[0] <= aspect <= _DOCUMENT_ASPECT[1] and widths[0] <= _DOCUMENT_MAX_FACE_FRACTION * width
