"""Find the main portrait on a document with dlib's HOG face detector (built once, passed in).

The largest face on the upright document is the main portrait; smaller ones are ghost
portraits (the faded security copy) and are reported as such. The crop widens the face box to
the proportions of an ICAO portrait (head and shoulders) so that it can be fed to CompareFaces.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

__all__ = ["FaceOnDocument", "detect_faces", "portrait_box"]

#: Width, pixels, the document is scaled to for detection (faces on it are then 100-300 px).
DETECT_WIDTH = 720
#: dlib's detector is not safe to run from two threads at once (a request's images are read on
#: several: reader.py), and it holds the GIL while it runs, so serialising it costs no parallelism.
_DETECTING = threading.Lock()


@dataclass(frozen=True)
class FaceOnDocument:
    """A face on a document view: its box (left, top, width, height, pixels of the view)."""

    box: tuple[int, int, int, int]
    score: float


def detect_faces(detector: Any, rgb: np.ndarray) -> list[FaceOnDocument]:
    """Faces on ``rgb`` (upright), largest first. ``detector`` is ``dlib.get_frontal_face_detector()``."""
    h, w = rgb.shape[:2]
    scale = min(1.0, DETECT_WIDTH / float(max(w, 1)))
    small = cv2.resize(rgb, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    upsample = 1 if small.shape[1] < 500 else 0
    with _DETECTING:
        rects, scores, _ = detector.run(np.ascontiguousarray(small), upsample, -0.2)
    faces = []
    for r, s in zip(rects, scores):
        x0, y0 = max(0, r.left()) / scale, max(0, r.top()) / scale
        x1, y1 = min(small.shape[1], r.right()) / scale, min(small.shape[0], r.bottom()) / scale
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        faces.append(FaceOnDocument((int(x0), int(y0), int(x1 - x0), int(y1 - y0)), float(s)))
    faces.sort(key=lambda f: f.box[2] * f.box[3], reverse=True)
    return faces


def portrait_box(face: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The head-and-shoulders portrait around a face box, clipped to the image (l, t, w, h)."""
    x, y, w, h = face
    cx, cy = x + w / 2, y + h / 2
    pw, ph = w * 1.9, h * 2.4
    left, top = max(0, int(cx - pw / 2)), max(0, int(cy - ph * 0.42))
    right, bottom = min(shape[1], int(cx + pw / 2)), min(shape[0], int(cy + ph * 0.58))
    return (left, top, right - left, bottom - top)
