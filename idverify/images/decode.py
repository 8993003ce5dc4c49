"""Decode uploaded image bytes into an orientation-corrected 8-bit RGB array.

Order matters for safety: identify the container from its header, check the declared
dimensions against :class:`ImageSettings`, and only then decode pixels. Every failure becomes
:class:`ImageRejected` with one of the reasons below; no Pillow exception escapes.

    IMAGE_EMPTY          zero bytes
    UNSUPPORTED_FORMAT   not an image, or a format outside ``settings.formats``
    IMAGE_UNREADABLE     a known format whose header or pixels are corrupt or truncated
    IMAGE_TOO_LARGE      more pixels or a longer side than allowed (decompression bombs)
    IMAGE_TOO_SMALL      a side shorter than allowed

Truncated files are refused through Pillow's default ``ImageFile.LOAD_TRUNCATED_IMAGES =
False``; importing ``face_recognition.api`` sets it to True for the whole process, which is one
more reason the service never imports it.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from idverify.errors import ImageRejected
from idverify.images.settings import ImageSettings

__all__ = ["DecodedImage", "decode_image"]

# Signatures of the formats we accept, to tell "corrupt JPEG" (IMAGE_UNREADABLE) from
# "not an image at all" (UNSUPPORTED_FORMAT) when Pillow cannot identify the bytes.
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")

_ORIENTATION = 0x0112  # EXIF tag


@dataclass(frozen=True)
class DecodedImage:
    """A decoded, orientation-corrected image.

    ``rgb`` is a C-contiguous ``uint8`` array of shape (height, width, 3); ``format`` is the
    container as Pillow names it ("JPEG", "PNG", "WEBP", "HEIF"; phone MPO files report "JPEG");
    ``width`` and ``height`` are in pixels after EXIF orientation.
    """

    rgb: np.ndarray
    format: str
    width: int
    height: int


def decode_image(data: bytes, settings: ImageSettings | None = None) -> DecodedImage:
    """Decode ``data`` (JPEG, PNG, WebP or HEIC bytes) to 8-bit RGB, applying EXIF orientation.

    Dimensions (pixels) are checked against ``settings`` before pixels are decoded. Grey,
    alpha (composited on white), palette, CMYK and 16-bit images are converted to 8-bit RGB;
    animated images give their first frame. Raises :class:`ImageRejected` with a reason code.
    """
    settings = settings or ImageSettings()
    if not data:
        raise ImageRejected("the image is empty (zero bytes)", reason="IMAGE_EMPTY")
    _register_heif()
    try:
        image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own bomb guard fired while reading the header (warnings are errors in tests).
        raise ImageRejected("the image declares too many pixels", reason="IMAGE_TOO_LARGE") from exc
    except UnidentifiedImageError as exc:
        if _sniff(data) is not None:
            raise ImageRejected(
                f"the {_sniff(data)} header is corrupt", reason="IMAGE_UNREADABLE"
            ) from exc
        raise ImageRejected(
            "not a supported image (expected JPEG, PNG, WebP or HEIC)", reason="UNSUPPORTED_FORMAT"
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageRejected("the image header cannot be read", reason="IMAGE_UNREADABLE") from exc
    with image:
        fmt = "JPEG" if image.format == "MPO" else (image.format or "")
        if image.format not in settings.formats:
            raise ImageRejected(
                f"image format {image.format or 'unknown'} is not accepted",
                reason="UNSUPPORTED_FORMAT",
                metadata={"format": image.format or ""},
            )
        _check_dimensions(image.size, settings)
        try:
            rgb = _to_rgb(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected("the image declares too many pixels", reason="IMAGE_TOO_LARGE") from exc
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError, RuntimeError) as exc:
            # Truncated or corrupt pixel data: Pillow raises OSError ("image file is truncated",
            # "broken data stream"), libheif raises ValueError/RuntimeError.
            raise ImageRejected(
                f"the {fmt} pixel data is corrupt or truncated", reason="IMAGE_UNREADABLE"
            ) from exc
    height, width = rgb.shape[:2]
    return DecodedImage(rgb=rgb, format=fmt, width=width, height=height)


def _check_dimensions(size: tuple[int, int], settings: ImageSettings) -> None:
    width, height = size
    meta = {"width": str(width), "height": str(height)}
    if width <= 0 or height <= 0:
        raise ImageRejected("the image has no pixels", reason="IMAGE_EMPTY", metadata=meta)
    if width * height > settings.max_pixels or max(width, height) > settings.max_side:
        raise ImageRejected(
            f"the image is {width}x{height} px; the limit is {settings.max_pixels} pixels "
            f"and {settings.max_side} px per side",
            reason="IMAGE_TOO_LARGE",
            metadata=meta,
        )
    if min(width, height) < settings.min_side:
        raise ImageRejected(
            f"the image is {width}x{height} px; each side must be at least {settings.min_side} px",
            reason="IMAGE_TOO_SMALL",
            metadata=meta,
        )


def _to_rgb(image: Image.Image) -> np.ndarray:
    """Decode the first frame, apply EXIF orientation and convert any mode to 8-bit RGB."""
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    image.load()
    # exif_transpose copies the image even when there is nothing to turn: 36 MB at 12 MP.
    oriented = ImageOps.exif_transpose(image) if image.getexif().get(_ORIENTATION, 1) != 1 else image
    mode = oriented.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        array = _scale_to_8bit(np.asarray(oriented))
        return np.ascontiguousarray(np.repeat(array[:, :, None], 3, axis=2))
    if mode == "P":
        oriented = oriented.convert("RGBA" if "transparency" in oriented.info else "RGB")
    elif mode == "PA":
        oriented = oriented.convert("RGBA")
    if oriented.mode in ("RGBA", "LA", "La", "RGBa"):
        # Transparent portraits (cut-out profile photos) are composited on white, as a browser
        # would show them; black would darken the face edge and hurt detection.
        rgba = oriented.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        oriented = Image.alpha_composite(background, rgba)
    rgb = oriented.convert("RGB") if oriented.mode != "RGB" else oriented
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))


def _scale_to_8bit(array: np.ndarray) -> np.ndarray:
    """Map 16-bit, 32-bit integer or float grey levels to 0-255."""
    values = array.astype(np.float64)
    if array.dtype.kind == "f":
        top = 1.0 if values.size and float(np.nanmax(values)) <= 1.0 else 255.0
    elif values.size and float(values.max()) > 255:
        top = 65535.0
    else:
        top = 255.0
    return np.clip(np.nan_to_num(values) * (255.0 / top), 0, 255).round().astype(np.uint8)


def _sniff(data: bytes) -> str | None:
    """The accepted format the leading bytes claim, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    return None


@functools.cache
def _register_heif() -> None:
    """Teach Pillow to open HEIC/HEIF (phone photos); once per process, cheap.

    The cache makes later calls free; registering again after a first-call race is harmless,
    since it only re-sets the same entries in Pillow's format registries.
    """
    from pillow_heif import register_heif_opener

    register_heif_opener()
