"""Image intake: every accepted format and mode to 8-bit RGB, every refusal with its reason."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from PIL import Image

import matplotlib
from idverify.errors import ImageRejected
from idverify.images import DecodedImage, ImageSettings, decode_image

GRACE = Path(matplotlib.get_data_path()) / "sample_data" / "grace_hopper.jpg"


def _encode(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    image.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _gradient(w: int = 96, h: int = 64) -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, 1)
    return Image.fromarray(np.dstack([x, y, 255 - x]))


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height but carries one tiny compressed row: a bomb header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_each_accepted_format_decodes_to_rgb(fmt):
    decoded = decode_image(_encode(_gradient(), fmt))
    assert isinstance(decoded, DecodedImage)
    assert decoded.format == fmt
    assert (decoded.width, decoded.height) == (96, 64)
    assert decoded.rgb.shape == (64, 96, 3) and decoded.rgb.dtype == np.uint8
    assert decoded.rgb.flags.c_contiguous
    # lossy codecs stay close to the source gradient
    assert np.abs(decoded.rgb.astype(int) - np.asarray(_gradient()).astype(int)).mean() < 12


def test_real_photo_decodes():
    decoded = decode_image(GRACE.read_bytes())
    assert decoded.format == "JPEG" and decoded.rgb.shape == (decoded.height, decoded.width, 3)


def test_exif_orientation_is_applied():
    source = _gradient(96, 64)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise on display
    decoded = decode_image(_encode(source, "JPEG", exif=exif.tobytes(), quality=95))
    assert (decoded.width, decoded.height) == (64, 96)
    expected = np.asarray(source.transpose(Image.Transpose.ROTATE_270))
    assert np.abs(decoded.rgb.astype(int) - expected.astype(int)).mean() < 8


@pytest.mark.parametrize(
    "mode", ["L", "LA", "RGBA", "P", "CMYK", "1", "I;16", "F", "PA_transparent"]
)
def test_every_mode_becomes_8bit_rgb(mode):
    base = _gradient()
    ramp = np.linspace(0, 255, 96).round().astype(np.uint8)[None, :].repeat(64, 0)
    if mode == "I;16":
        grey = ramp.astype(np.uint16) * 257
        image = Image.fromarray(grey)  # mode I;16
        assert image.mode == "I;16"
        data = _encode(image, "PNG")
    elif mode == "F":
        # TIFF is not accepted; exercise the float path through the conversion helper directly.
        from idverify.images.decode import _scale_to_8bit

        out = _scale_to_8bit(ramp.astype(np.float32) / 255.0)
        assert out.dtype == np.uint8 and out.max() == 255
        return
    elif mode == "PA_transparent":
        image = base.convert("P")
        image.info["transparency"] = 0
        data = _encode(image, "PNG", transparency=0)
    elif mode == "CMYK":
        data = _encode(base.convert("CMYK"), "JPEG", quality=95)
    elif mode == "L":
        data = _encode(Image.fromarray(ramp), "PNG")
    else:
        data = _encode(base.convert(mode), "PNG")
    decoded = decode_image(data)
    assert decoded.rgb.dtype == np.uint8 and decoded.rgb.shape == (64, 96, 3)
    if mode in ("L", "I;16"):
        # 16-bit grey is scaled, not clipped: the gradient keeps its range
        assert decoded.rgb.max() >= 250 and decoded.rgb.min() <= 5


def test_alpha_is_composited_on_white():
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    decoded = decode_image(_encode(image, "PNG"))
    assert decoded.rgb.min() == 255


def test_animated_image_gives_first_frame():
    frames = [Image.new("RGB", (40, 40), c) for c in ((255, 0, 0), (0, 0, 255))]
    buf = io.BytesIO()
    frames[0].save(buf, format="WEBP", save_all=True, append_images=frames[1:], lossless=True)
    decoded = decode_image(buf.getvalue())
    assert tuple(decoded.rgb[20, 20]) == (255, 0, 0)


def _reason(data: bytes, settings: ImageSettings | None = None) -> str:
    with pytest.raises(ImageRejected) as info:
        decode_image(data, settings)
    assert info.value.status.name == "INVALID_ARGUMENT"
    return info.value.reason


def test_zero_bytes_is_empty():
    assert _reason(b"") == "IMAGE_EMPTY"


def test_text_is_unsupported():
    assert _reason(b"hello, this is not an image\n" * 20) == "UNSUPPORTED_FORMAT"


def test_other_image_formats_are_unsupported():
    assert _reason(_encode(_gradient(), "GIF")) == "UNSUPPORTED_FORMAT"
    assert _reason(_encode(_gradient(), "BMP")) == "UNSUPPORTED_FORMAT"


def test_truncated_jpeg_is_unreadable():
    data = GRACE.read_bytes()
    assert _reason(data[: len(data) // 2]) == "IMAGE_UNREADABLE"


def test_corrupt_header_with_jpeg_signature_is_unreadable():
    assert _reason(b"\xff\xd8\xff" + bytes(range(256)) * 4) == "IMAGE_UNREADABLE"


def test_corrupt_png_pixels_are_unreadable():
    data = bytearray(_encode(_gradient(), "PNG"))
    start = data.index(b"IDAT") + 4
    data[start + 10 : start + 200] = b"\x00" * 190
    assert _reason(bytes(data)) == "IMAGE_UNREADABLE"


def test_decompression_bomb_is_refused_before_decoding():
    # 60000 x 60000 declared in a 100-byte file: 3.6 gigapixels, refused on the header alone.
    bomb = _png_header_only(60_000, 60_000)
    assert len(bomb) < 200
    assert _reason(bomb) == "IMAGE_TOO_LARGE"


def test_above_configured_pixel_limit_is_too_large():
    data = _encode(_gradient(96, 64), "PNG")
    assert _reason(data, ImageSettings(max_pixels=96 * 64 - 1)) == "IMAGE_TOO_LARGE"
    assert decode_image(data, ImageSettings(max_pixels=96 * 64)).width == 96


def test_absurd_side_is_too_large():
    assert _reason(_png_header_only(20_000, 30)) == "IMAGE_TOO_LARGE"


def test_tiny_image_is_too_small():
    assert _reason(_encode(_gradient(30, 10), "PNG")) == "IMAGE_TOO_SMALL"


def test_settings_validate():
    from idverify.errors import ConfigError
    from idverify.settings import build

    with pytest.raises(ConfigError):
        build(ImageSettings, {"min_side": 0})
    assert build(ImageSettings, {"max_pixels": 1000}).max_pixels == 1000


@hsettings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_decode_or_are_rejected(data):
    try:
        decoded = decode_image(data)
    except ImageRejected as exc:
        assert exc.reason in {"IMAGE_EMPTY", "UNSUPPORTED_FORMAT", "IMAGE_UNREADABLE", "IMAGE_TOO_LARGE", "IMAGE_TOO_SMALL"}
    else:
        assert decoded.rgb.dtype == np.uint8


@hsettings(max_examples=60, deadline=None)
@given(st.data())
def test_mutated_real_images_never_escape(data):
    source = _encode(_gradient(), data.draw(st.sampled_from(["JPEG", "PNG", "WEBP"])))
    raw = bytearray(source)
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    try:
        decode_image(bytes(raw[:cut]))
    except ImageRejected:
        pass
