"""Decode an uploaded image. The one place this package turns bytes into pixels, kept small so
that it can switch to the shared :mod:`idverify.images` intake when that lands."""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from idverify.errors import ImageRejected

__all__ = ["decode_image"]


def decode_image(data: bytes, *, max_pixels: int) -> tuple[np.ndarray, str]:
    """RGB uint8 pixels with EXIF orientation applied, and the format name ("JPEG", "PNG", ...).

    Raises :class:`ImageRejected` (IMAGE_UNREADABLE, IMAGE_TOO_LARGE) when the bytes cannot be
    used at all."""
    if not data:
        raise ImageRejected("the image is empty", reason="IMAGE_UNREADABLE")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                fmt = im.format or "UNKNOWN"
                if im.width * im.height > max_pixels:
                    raise ImageRejected(
                        f"the image has {im.width * im.height} pixels, more than {max_pixels}",
                        reason="IMAGE_TOO_LARGE",
                    )
                im = ImageOps.exif_transpose(im)
                rgb = np.asarray(im.convert("RGB"))
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("the image cannot be decoded", reason="IMAGE_UNREADABLE") from exc
    if rgb.shape[0] < 32 or rgb.shape[1] < 32:
        raise ImageRejected("the image is smaller than 32 x 32 pixels", reason="IMAGE_TOO_SMALL")
    return np.ascontiguousarray(rgb), fmt
