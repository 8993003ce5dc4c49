"""Turn a flat document rendering into a phone photo, at three levels of difficulty.

* ``clean``: the flat rendering itself (a scan).
* ``mild``: the document on a table, a few degrees of rotation, slight perspective, mild blur,
  sensor noise, JPEG at quality 70-90, gently uneven light.
* ``strong``: any orientation (90, 180, 270 degrees plus up to 10), stronger perspective, a
  cluttered background, lower resolution, more blur and noise, JPEG at 45-65, glare and
  strongly uneven light.
* ``hard``: the case that sends worn documents to review: the main portrait is printed grey
  behind security lines (see ``render.PortraitStyle``, chosen by the generator for this level)
  and the document is photographed small and badly: a photo of about 720 px whose portrait is
  95-115 px wide (a face of 50-60 px), nearly upright (up to 6 degrees: the orientation is
  the document reader's job and ``strong`` covers it), cluttered background, glare, blur of
  0.4-0.7 px, noise, JPEG at 40-55.
* ``phone``: the page photographed the hard way (issue 16, item 6): security print under the
  MRZ, a strong tilt, glare, shadow, blur, JPEG, 720 px wide. It needs the MRZ's place on the
  page, so :func:`idverify.docgen.photograph.photograph` makes it (``generate_document`` calls it).

Deterministic from the ``random.Random`` passed in. Points given in the flat rendering (the
portrait's corners, the document's corners) are mapped into the photo for the ground truth.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["Level", "LEVELS", "Photo", "degrade"]

Level = Literal["clean", "mild", "strong", "hard", "phone"]
LEVELS: tuple[Level, ...] = ("clean", "mild", "strong", "hard", "phone")


@dataclass(frozen=True)
class Photo:
    """A degraded image, its encoded bytes and the homography from the flat rendering."""

    image: np.ndarray  # RGB, uint8
    encoded: bytes
    format: str  # "PNG" or "JPEG"
    homography: np.ndarray  # 3x3, flat rendering -> photo pixels
    rotation_degrees: float  # the document's in-plane rotation in the photo

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """Map (N, 2) points of the flat rendering into the photo."""
        pts = np.asarray(points, np.float64).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(pts, self.homography).reshape(-1, 2)


def _encode(rgb: np.ndarray, fmt: str, quality: int = 95) -> bytes:
    buf = io.BytesIO()
    if fmt == "JPEG":
        Image.fromarray(rgb).save(buf, format=fmt, quality=quality)
    else:
        Image.fromarray(rgb).save(buf, format=fmt, compress_level=1)
    return buf.getvalue()


def _table(w: int, h: int, rng: random.Random) -> np.ndarray:
    base = np.array([rng.randint(60, 200) for _ in range(3)], np.float32)
    nrng = np.random.default_rng(rng.getrandbits(32))
    tex = cv2.GaussianBlur(nrng.normal(0, 18, (h // 4 + 1, w // 4 + 1)).astype(np.float32), (0, 0), 3)
    tex = cv2.resize(tex, (w, h))[..., None]
    return np.clip(base + tex, 0, 255).astype(np.uint8)


def _clutter(bg: np.ndarray, rng: random.Random) -> np.ndarray:
    img = Image.fromarray(bg)
    draw = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(rng.randint(8, 20)):
        color = tuple(rng.randint(0, 255) for _ in range(3))
        x0, y0 = rng.randint(0, w), rng.randint(0, h)
        x1, y1 = x0 + rng.randint(20, w // 3), y0 + rng.randint(20, h // 3)
        kind = rng.random()
        if kind < 0.4:
            draw.rectangle((x0, y0, x1, y1), fill=color)
        elif kind < 0.7:
            draw.ellipse((x0, y0, x1, y1), fill=color)
        else:
            draw.line((x0, y0, x1, y1), fill=color, width=rng.randint(2, 12))
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", rng.randint(14, 30))
    for _ in range(rng.randint(2, 6)):
        words = " ".join(rng.choice(["RECEIPT", "Total", "12.99", "Coffee", "Tel", "Invoice", "2024", "Notes"]) for _ in range(3))
        draw.text((rng.randint(0, w), rng.randint(0, h)), words, font=font, fill=tuple(rng.randint(0, 255) for _ in range(3)))
    return np.asarray(img)


def _light(img: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    h, w = img.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = (np.cos(angle) * x / w + np.sin(angle) * y / h)
    ramp = (ramp - ramp.min()) / max(1e-6, np.ptp(ramp))
    gain = 1.0 - strength * ramp
    return np.clip(img.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


def _glare(img: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    h, w = img.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.15, 0.6) * h
    rx, ry = rng.uniform(0.08, 0.2) * w, rng.uniform(0.06, 0.15) * h
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
    alpha = strength * np.exp(-d)[..., None]
    return np.clip(img * (1 - alpha) + 255 * alpha, 0, 255).astype(np.uint8)


def degrade(flat: Image.Image, level: Level, rng: random.Random, *, portrait_width: int | None = None) -> Photo:
    """Photograph ``flat`` at ``level`` (see the module docstring). ``portrait_width`` (pixels
    of ``flat``) sets the scale of a ``hard`` photo; the other levels ignore it."""
    src = np.asarray(flat.convert("RGB"))
    h, w = src.shape[:2]
    if level == "clean":
        return Photo(src, _encode(src, "PNG"), "PNG", np.eye(3), 0.0)
    if level == "hard":
        return _degrade_hard(src, rng, portrait_width)
    if level == "phone":
        raise ValueError("the phone level is idverify.docgen.photograph (it prints over the MRZ first)")
    strong = level == "strong"
    doc_w = rng.uniform(700, 900) if strong else rng.uniform(900, 1150)
    scale = doc_w / w
    dw, dh = w * scale, h * scale
    base_angle = rng.choice([0, 90, 180, 270]) if strong else 0
    angle = base_angle + rng.uniform(-10, 10) if strong else rng.uniform(-4, 4)
    jitter = 0.05 if strong else 0.02
    corners = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float64)
    corners += np.array([[rng.uniform(-jitter, jitter) * dw, rng.uniform(-jitter, jitter) * dh] for _ in range(4)])
    theta = math.radians(angle)
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    pts = (corners - corners.mean(0)) @ rot.T
    margin = rng.uniform(0.08, 0.25) * max(dw, dh)
    pts -= pts.min(0) - margin
    out_w, out_h = int(pts[:, 0].max() + margin), int(pts[:, 1].max() + margin)
    homography = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), pts.astype(np.float32))
    bg = _table(out_w, out_h, rng)
    if strong:
        bg = _clutter(bg, rng)
    warped = cv2.warpPerspective(src, homography, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), homography, (out_w, out_h), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    img = (warped * alpha + bg * (1 - alpha)).astype(np.uint8)
    img = _light(img, rng, rng.uniform(0.3, 0.5) if strong else rng.uniform(0.05, 0.2))
    if strong and rng.random() < 0.7:
        img = _glare(img, rng, rng.uniform(0.35, 0.6))
    sigma = rng.uniform(0.5, 1.1) if strong else rng.uniform(0.0, 0.7)
    if sigma > 0.1:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    nrng = np.random.default_rng(rng.getrandbits(32))
    noise = nrng.normal(0, rng.uniform(3, 7) if strong else rng.uniform(1, 3), img.shape)
    img = np.clip(img + noise, 0, 255).astype(np.uint8)
    quality = rng.randint(45, 65) if strong else rng.randint(70, 90)
    encoded = _encode(img, "JPEG", quality)
    img = np.asarray(Image.open(io.BytesIO(encoded)).convert("RGB"))
    return Photo(img, encoded, "JPEG", homography, angle)


def _degrade_hard(src: np.ndarray, rng: random.Random, portrait_width: int | None) -> Photo:
    """The ``hard`` level (module docstring): its own code path, so that the other levels'
    random draws, and so their bytes, stay what fixtures and tests were built from."""
    h, w = src.shape[:2]
    # The portrait 95-115 px wide; a side without one is shot at the same distance (~35% of
    # the photo's width for an ID-1 card).
    scale = rng.uniform(95, 115) / portrait_width if portrait_width else rng.uniform(0.33, 0.4) * 720 / w
    dw, dh = w * scale, h * scale
    angle = rng.uniform(-6, 6)
    corners = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float64)
    corners += np.array([[rng.uniform(-0.04, 0.04) * dw, rng.uniform(-0.04, 0.04) * dh] for _ in range(4)])
    theta = math.radians(angle)
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    pts = (corners - corners.mean(0)) @ rot.T
    extent = pts.max(0) - pts.min(0)
    longest = rng.uniform(690, 750)
    margin = max(10.0, (longest - extent.max()) / 2)
    # The shorter side gets 3:4 framing (a phone photo), never less than the document needs.
    out_long = int(extent.max() + 2 * margin)
    out_short = max(int(extent.min() + 20), int(out_long * 0.75))
    wide = extent[0] >= extent[1]
    out_w, out_h = (out_long, out_short) if wide else (out_short, out_long)
    pts += np.array([out_w, out_h]) / 2 - (pts.min(0) + extent / 2)
    homography = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), pts.astype(np.float32))
    bg = _clutter(_table(out_w, out_h, rng), rng)
    warped = cv2.warpPerspective(src, homography, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), homography, (out_w, out_h), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    img = (warped * alpha + bg * (1 - alpha)).astype(np.uint8)
    img = _light(img, rng, rng.uniform(0.3, 0.5))
    if rng.random() < 0.7:
        img = _glare(img, rng, rng.uniform(0.3, 0.5))
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.7))
    nrng = np.random.default_rng(rng.getrandbits(32))
    img = np.clip(img + nrng.normal(0, rng.uniform(3, 6), img.shape), 0, 255).astype(np.uint8)
    encoded = _encode(img, "JPEG", rng.randint(40, 55))
    img = np.asarray(Image.open(io.BytesIO(encoded)).convert("RGB"))
    return Photo(img, encoded, "JPEG", homography, angle)
