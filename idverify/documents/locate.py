"""Find the document in a photo and rectify it: a top-down, landscape view of the card or page.

The document is the largest convex four-sided outline in the photo (edges of a blurred,
down-scaled copy, closed and traced as contours), or failing that the largest pale,
low-saturation region's minimum-area rectangle. Its corners are ordered and the perspective is
removed with one homography; the result is landscape (the long side horizontal). Whether it is
upright or upside down is decided later, from the MRZ or the text and the face
(:func:`upright_rotations`). Pure image processing with OpenCV and numpy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import cv2
import numpy as np

__all__ = ["Located", "locate_document", "rotate_bound"]

_WORK_SIDE = 640


@dataclass(frozen=True)
class Located:
    """A document found in a photo."""

    #: The four corners in photo pixels (top-left, top-right, bottom-right, bottom-left).
    quad: np.ndarray
    #: Homography from rectified pixels to photo pixels.
    to_photo: np.ndarray
    #: Share of the photo's area the document covers, 0-1.
    area_fraction: float
    _photo: np.ndarray = field(repr=False, compare=False)
    _to_doc: np.ndarray = field(repr=False, compare=False)
    _size: tuple[int, int] = field(repr=False, compare=False)
    _flags: int = field(repr=False, compare=False)

    @functools.cached_property
    def image(self) -> np.ndarray:
        """The rectified document, RGB, landscape; warped when first asked for (nearly all of
        the locating's cost, and most reads never need it: the MRZ is read on the photo)."""
        return cv2.warpPerspective(self._photo, self._to_doc, self._size, flags=self._flags)


def _order(pts: np.ndarray) -> np.ndarray:
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise from the top-left quadrant in image coordinates
    start = int(np.argmin(pts.sum(1)))
    return np.roll(pts, -start, axis=0)


def _quad_from_edges(gray: np.ndarray) -> np.ndarray | None:
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    edges = cv2.Canny(blur, 30, 90)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    best, best_area = None, 0.0
    for c in contours:
        hull = cv2.convexHull(c)
        area = cv2.contourArea(hull)
        if area < 0.12 * h * w or area > 0.985 * h * w:
            continue
        peri = cv2.arcLength(hull, True)
        approx = cv2.approxPolyDP(hull, 0.025 * peri, True)
        if len(approx) != 4:
            continue
        quad = _order(approx)
        sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
        long_side, short_side = max(sides[0], sides[2]), max(sides[1], sides[3])
        ratio = max(long_side, short_side) / max(1.0, min(long_side, short_side))
        if not 1.2 <= ratio <= 1.9:
            continue
        if area > best_area:
            best, best_area = quad, area
    return best


def _quad_from_paleness(rgb: np.ndarray) -> np.ndarray | None:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    mask = ((hsv[..., 1] < 60) & (hsv[..., 2] > 150)).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[k, cv2.CC_STAT_AREA] < 0.12 * mask.size:
        return None
    pts = np.column_stack(np.nonzero(labels == k)[::-1]).astype(np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(pts))
    return _order(box)


def locate_document(rgb: np.ndarray, max_width: int = 1400) -> Located | None:
    """The document in ``rgb`` (uint8), rectified to landscape at up to ``max_width`` pixels,
    or None when no document-shaped region is found."""
    h, w = rgb.shape[:2]
    scale = _WORK_SIDE / max(h, w)
    small = cv2.resize(rgb, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    scale = min(scale, 1.0)
    gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    quad = _quad_from_edges(gray)
    if quad is None:
        quad = _quad_from_paleness(small)
    if quad is None:
        return None
    quad = quad / scale
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    top_w, right_h = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    if right_h > top_w:  # portrait outline: start from the next corner so the long side is on top
        quad = np.roll(quad, -1, axis=0)
        top_w, right_h = right_h, top_w
    out_w = int(min(max_width, top_w))
    out_h = int(round(out_w * right_h / top_w))
    dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
    to_doc = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    area = cv2.contourArea(quad.astype(np.float32)) / float(h * w)
    return Located(quad, np.linalg.inv(to_doc), float(area), rgb, to_doc, (out_w, out_h),
                   cv2.INTER_AREA if out_w < top_w else cv2.INTER_CUBIC)


def rotate_bound(img: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """``img`` rotated by ``degrees`` counter-clockwise on a canvas that holds all of it, and the
    2x3 affine matrix from the original to the rotated pixels."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    border = cv2.BORDER_REPLICATE
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=border), m
