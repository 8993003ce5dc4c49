"""Limits for image intake (the ``[images]`` table of the configuration)."""

from __future__ import annotations

from dataclasses import dataclass

from idverify.errors import ConfigError

__all__ = ["ImageSettings"]


@dataclass(frozen=True)
class ImageSettings:
    """What an uploaded image may be. Checked on the header, before pixels are decoded."""

    #: Largest accepted width x height in pixels (50 MP: every phone's default output, including
    #: 48/50 MP sensors; one decoded 50 MP RGB image is 150 MB of memory).
    max_pixels: int = 50_000_000
    #: Largest accepted width or height in pixels (panoramas and forged headers beyond this).
    max_side: int = 12_000
    #: Smallest accepted width or height in pixels (a face needs about 20 px to be found at all).
    min_side: int = 24
    #: Accepted container formats, as Pillow names them (MPO is the multi-picture JPEG phones write).
    formats: tuple[str, ...] = ("JPEG", "MPO", "PNG", "WEBP", "HEIF")

    def validate(self) -> None:
        if self.max_pixels < 1:
            raise ConfigError("images.max_pixels must be >= 1", reason="CONFIG_VALUE")
        if not 1 <= self.min_side <= self.max_side:
            raise ConfigError("images.min_side must be >= 1 and <= images.max_side", reason="CONFIG_VALUE")
        if not self.formats:
            raise ConfigError("images.formats must not be empty", reason="CONFIG_VALUE")
