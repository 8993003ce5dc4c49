"""Image intake shared by every RPC: bytes in, an 8-bit RGB array out, or :class:`ImageRejected`.

    decode_image(data, settings) -> DecodedImage(rgb, format, width, height)

The header's dimensions are checked against :class:`ImageSettings` before a single pixel is
decoded, so decompression bombs and absurd sizes cost microseconds, not gigabytes.
"""

from idverify.images.decode import DecodedImage, decode_image
from idverify.images.settings import ImageSettings

__all__ = ["DecodedImage", "ImageSettings", "decode_image"]
