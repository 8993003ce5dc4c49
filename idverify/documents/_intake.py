"""Decode an uploaded document photo through the shared intake (:mod:`idverify.images`), so
ReadDocument refuses broken, hostile and oversized images with the same reasons as every RPC."""

from __future__ import annotations

import numpy as np

from idverify.images import ImageSettings
from idverify.images import decode_image as _decode

__all__ = ["decode_image"]


def decode_image(data: bytes, *, max_pixels: int) -> tuple[np.ndarray, str]:
    """RGB uint8 pixels with EXIF orientation applied, and the format name ("JPEG", "PNG", ...).

    Raises :class:`~idverify.errors.ImageRejected` (IMAGE_UNREADABLE, IMAGE_TOO_LARGE,
    IMAGE_TOO_SMALL, UNSUPPORTED_FORMAT, ...) when the bytes cannot be used at all."""
    decoded = _decode(data, ImageSettings(max_pixels=max_pixels, min_side=32))
    return np.ascontiguousarray(decoded.rgb), decoded.format
