"""Face detection on a bounded working copy; boxes come back in full-resolution pixels.

Detection cost grows with pixel count, while a face needs only about 80 px (the HOG window)
to be found. So the image is resized to a working copy whose longest side is at most
``working_max_side`` (large photos) and at least ``working_min_side`` (small ID portraits),
dlib upsamples that copy ``upsample`` times, and the boxes are scaled back. Landmarks and
embeddings then use the full-resolution pixels around each box.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from idverify.faces.models import FaceModels
from idverify.faces.settings import FaceSettings

__all__ = ["FaceBox", "detect_faces", "working_scale"]

#: Upscaling a tiny image further than this only invents pixels.
_MAX_UPSCALE = 8.0


@dataclass(frozen=True)
class FaceBox:
    """A face box in full-resolution pixels (right and bottom exclusive) with the detector score."""

    left: int
    top: int
    right: int
    bottom: int
    score: float

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def working_scale(width: int, height: int, settings: FaceSettings) -> float:
    """The factor from full-resolution to working-copy pixels (below 1 shrinks, above 1 enlarges)."""
    longest = max(width, height)
    if longest > settings.working_max_side:
        return settings.working_max_side / longest
    if longest < settings.working_min_side:
        return min(settings.working_min_side / longest, _MAX_UPSCALE)
    return 1.0


def detect_faces(
    rgb: np.ndarray, models: FaceModels, settings: FaceSettings, *, exhaustive: bool = True
) -> list[FaceBox]:
    """Find faces on ``rgb`` (H x W x 3 uint8); return boxes in its pixels, largest first.

    Runs on the working copy with ``settings.upsample`` passes, then with more passes (up to
    ``settings.max_upsample``) while the faces found are too small to rule out a comparable
    face below the current pass's smallest detectable size, or nothing was found at all. With
    ``exhaustive=False`` (documents, where the largest face is the portrait whatever else is
    printed) detection stops after one upsampling pass once a face is found: ghost portraits
    of 40 px and more are still listed, and a 12 MP document photo never costs a second pass.
    """
    height, width = rgb.shape[:2]
    scale = working_scale(width, height, settings)
    if scale == 1.0:
        work = rgb
    else:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # INTER_AREA averages when shrinking (no aliasing); cubic keeps edges when enlarging.
        work = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    found: list[tuple[float, float, float, float, float]] = []
    weak: list[tuple[float, float, float, float, float]] = []
    for upsample in range(settings.upsample, settings.max_upsample + 1):
        candidates = _run_detector(work, models, upsample, settings.fallback_threshold)
        found = [c for c in candidates if c[4] >= settings.detection_threshold]
        # Each upsampling pass costs about 4x the previous one, so stop at the first pass that
        # could have seen every face that matters: one at least dominance_ratio of the largest
        # face found, which selection would need to see to report MULTIPLE_FACES.
        smallest_visible = _window(models) / (2**upsample)
        if found and (
            max(c[2] - c[0] for c in found) * settings.dominance_ratio >= smallest_visible
            or (not exhaustive and upsample >= 1)
        ):
            break
        # Tiny weak candidates are texture (grass, coins), not faces worth a fallback.
        weak.extend(c for c in candidates if (c[2] - c[0]) / scale >= settings.min_face_width_px)
    if not found and weak:
        # A face near the detector's decision boundary (often a small or soft ID portrait):
        # accept the single strongest weak candidate rather than report NO_FACE.
        found = [max(weak, key=lambda c: c[4])]
    boxes = []
    for left, top, right, bottom, score in found:
        box = FaceBox(
            left=max(0, int(round(left / scale))),
            top=max(0, int(round(top / scale))),
            right=min(width, int(round(right / scale))),
            bottom=min(height, int(round(bottom / scale))),
            score=score,
        )
        if box.width > 1 and box.height > 1:
            boxes.append(box)
    boxes.sort(key=lambda b: (-b.width, b.left, b.top))
    return boxes


def _window(models: FaceModels) -> float:
    """The smallest face, in working-copy pixels, the detector finds without upsampling: the
    HOG detector's 80 x 80 window; the MMOD CNN finds faces down to about 40 px."""
    return 40.0 if models.detector_kind == "cnn" else 80.0


def _run_detector(
    work: np.ndarray, models: FaceModels, upsample: int, threshold: float
) -> list[tuple[float, float, float, float, float]]:
    """(left, top, right, bottom, score) in working-copy pixels for every candidate above
    ``threshold`` (the detector's own decision boundary is 0 for both HOG and MMOD)."""
    if models.detector_kind == "cnn":
        detections = models.detector(work, upsample)
        return [
            (d.rect.left(), d.rect.top(), d.rect.right() + 1, d.rect.bottom() + 1, float(d.confidence))
            for d in detections
            if d.confidence >= threshold
        ]
    rects, scores, _ = models.detector.run(work, upsample, threshold)
    return [(r.left(), r.top(), r.right() + 1, r.bottom() + 1, float(s)) for r, s in zip(rects, scores)]
