"""Landmarks and 128-d embeddings, computed on the full-resolution pixels around a face box.

Identical to face_recognition's ``face_landmarks``/``face_encodings`` for the same box (same
dlib models, same calls), but on a crop around the box, so a 12 MP photo is never handed to
dlib whole. The crop's margin keeps every pixel the shape predictor and the chip extractor
read, so results equal the uncropped ones (tested).
"""

from __future__ import annotations

import dlib
import numpy as np

from idverify.faces.detect import FaceBox
from idverify.faces.models import FaceModels

__all__ = ["FaceCrop", "crop_around", "encode_face", "landmarks68"]

#: Margin around the box, as a fraction of the box's larger side, kept in the crop. The
#: encoder's chip spans the landmarks plus 25% padding; one box-size each side covers that.
_MARGIN = 1.0


class FaceCrop:
    """Pixels around one face box and the box in crop coordinates."""

    __slots__ = ("pixels", "offset_x", "offset_y", "rect")

    def __init__(self, pixels: np.ndarray, offset_x: int, offset_y: int, rect: dlib.rectangle) -> None:
        self.pixels = pixels
        self.offset_x = offset_x
        self.offset_y = offset_y
        self.rect = rect


def crop_around(rgb: np.ndarray, box: FaceBox) -> FaceCrop:
    """The region of ``rgb`` around ``box`` with a margin, C-contiguous for dlib."""
    height, width = rgb.shape[:2]
    margin = int(round(_MARGIN * max(box.width, box.height)))
    x0, y0 = max(0, box.left - margin), max(0, box.top - margin)
    x1, y1 = min(width, box.right + margin), min(height, box.bottom + margin)
    pixels = np.ascontiguousarray(rgb[y0:y1, x0:x1])
    # dlib rectangles are inclusive of right/bottom.
    rect = dlib.rectangle(box.left - x0, box.top - y0, box.right - 1 - x0, box.bottom - 1 - y0)
    return FaceCrop(pixels, x0, y0, rect)


def landmarks68(crop: FaceCrop, models: FaceModels) -> tuple[dlib.full_object_detection, np.ndarray]:
    """The 68 landmarks: dlib's object (crop coordinates) and a (68, 2) float array in
    full-image pixels."""
    shape = models.predictor68(crop.pixels, crop.rect)
    points = np.array([(p.x + crop.offset_x, p.y + crop.offset_y) for p in shape.parts()], dtype=np.float64)
    return shape, points


def encode_face(
    crop: FaceCrop,
    models: FaceModels,
    shape68: dlib.full_object_detection | None = None,
    num_jitters: int = 1,
) -> np.ndarray:
    """The face's 128-d embedding (float64; unit-free, compare with Euclidean distance)."""
    if models.predictor5 is not None:
        shape = models.predictor5(crop.pixels, crop.rect)
    else:
        shape = shape68 if shape68 is not None else models.predictor68(crop.pixels, crop.rect)
    return np.array(models.encoder.compute_face_descriptor(crop.pixels, shape, num_jitters), dtype=np.float64)
