"""Image decoding for document reading: EXIF orientation, limits, garbage."""

import io

import numpy as np
import pytest
from PIL import Image

from idverify.documents._intake import decode_image
from idverify.errors import ImageRejected


def _jpeg(arr, **kw):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", **kw)
    return buf.getvalue()


def test_exif_orientation_is_applied():
    arr = np.zeros((40, 80, 3), np.uint8)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    rgb, fmt = decode_image(_jpeg(arr, exif=exif.tobytes()), max_pixels=10**6)
    assert fmt == "JPEG" and rgb.shape == (80, 40, 3)


def test_too_large_and_too_small():
    with pytest.raises(ImageRejected) as info:
        decode_image(_jpeg(np.zeros((200, 200, 3), np.uint8)), max_pixels=1000)
    assert info.value.reason == "IMAGE_TOO_LARGE"
    with pytest.raises(ImageRejected) as info:
        decode_image(_jpeg(np.zeros((10, 10, 3), np.uint8)), max_pixels=10**6)
    assert info.value.reason == "IMAGE_TOO_SMALL"


@pytest.mark.parametrize("data", [b"", b"GIF89a", b"\xff\xd8\xff\xe0" + b"\x00" * 50])
def test_garbage(data):
    # The shared intake's reasons: empty, not an image format it knows, or undecodable.
    with pytest.raises(ImageRejected) as info:
        decode_image(data, max_pixels=10**6)
    assert info.value.reason in {"IMAGE_EMPTY", "UNSUPPORTED_FORMAT", "IMAGE_UNREADABLE"}


def test_grey_and_alpha_become_rgb():
    buf = io.BytesIO()
    Image.new("LA", (50, 40)).save(buf, format="PNG")
    rgb, fmt = decode_image(buf.getvalue(), max_pixels=10**6)
    assert rgb.shape == (40, 50, 3) and fmt == "PNG"
