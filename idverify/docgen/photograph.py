"""The ``phone`` level: a rendered page photographed the hard way (issue 16, item 6).

A phone photo of a page, not a scan: the page carries a dense guilloche security print under
its MRZ (and, lighter, over the whole page), lies on a table or is held in a hand (a thumb over
one edge), and is shot at a strong tilt (the page plane turned 8-28 degrees away from the
camera, seen from 1.1-1.7 page widths: real foreshortening, not corner jitter), rotated a few
degrees in the image plane, under uneven light with a soft shadow across it and a specular
glare spot that can wash out part of the page, with motion and defocus blur, sensor noise and
JPEG at quality 60-80; the whole photo is 720 px wide.

Built only from the project's own rendering; deterministic in the ``random.Random`` passed in.
The homography maps the flat rendering into the photo, for the ground truth.
"""

from __future__ import annotations

import io
import math
import random

import cv2
import numpy as np
from PIL import Image

from idverify.docgen.degrade import Photo, _clutter as clutter, _table as table

__all__ = ["PHOTO_WIDTH", "photograph", "security_print"]

#: The width of every ``phone`` photo, pixels.
PHOTO_WIDTH = 720


def _guilloche(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A 0..1 mask of fine interleaved wave lines and one rosette, the way security print is
    made: several families of sinusoids, thin where the phase crosses zero."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    mask = np.zeros((h, w), np.float32)
    for _ in range(rng.randint(3, 4)):
        angle = rng.uniform(0, math.pi)
        u = x * math.cos(angle) + y * math.sin(angle)
        v = -x * math.sin(angle) + y * math.cos(angle)
        # Line spacing 16-30 px at the rendering's 12 px/mm (1.3-2.5 mm): 4-9 px in the photo.
        f = 2 * math.pi / rng.uniform(16, 30)
        wave = np.sin(u * f + rng.uniform(4, 12) * np.sin(v * 2 * math.pi / rng.uniform(120, 400) + rng.uniform(0, 6.3)))
        mask = np.maximum(mask, np.clip(1 - np.abs(wave) / 0.45, 0, 1))
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    r, theta = np.hypot(x - cx, y - cy), np.arctan2(y - cy, x - cx)
    rosette = np.sin(r * 2 * math.pi / rng.uniform(10, 18) + rng.uniform(2, 6) * np.sin(rng.randint(6, 14) * theta))
    return np.maximum(mask, 0.8 * np.clip(1 - np.abs(rosette) / 0.3, 0, 1))


def security_print(flat: Image.Image, mrz_box: tuple[int, int, int, int] | None, rng: random.Random) -> Image.Image:
    """Print a guilloche pattern over ``flat``: light over the page, dense and darker across
    the band of the MRZ (``mrz_box``: left, top, width, height in ``flat``). The ink multiplies
    the page, so dark text stays dark, as under real overprinted security lines."""
    src = np.asarray(flat.convert("RGB")).astype(np.float32)
    h, w = src.shape[:2]
    mask = _guilloche(h, w, rng)
    strength = np.full((h, w), rng.uniform(0.12, 0.22), np.float32)
    if mrz_box is not None:
        _, top, _, bh = mrz_box
        band = np.zeros(h, np.float32)
        margin = int(0.25 * bh)
        band[max(0, top - margin) : min(h, top + bh + margin)] = 1.0
        band = cv2.GaussianBlur(band[:, None], (1, 0), sigmaX=1, sigmaY=max(1.0, margin / 2))[:, 0]
        strength = np.maximum(strength, band[:, None] * rng.uniform(0.4, 0.65))
    ink = np.array([rng.uniform(0.4, 1.0) for _ in range(3)], np.float32)  # which channels the ink absorbs
    out = src * (1 - (mask * strength)[..., None] * ink)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB")


def _tilted_corners(w: int, h: int, rng: random.Random) -> tuple[np.ndarray, float]:
    """The page's corners as a camera sees them: turned ``tilt`` degrees about an axis in its
    plane, rotated in the image plane, projected from close by. Returns (4, 2) corners in
    arbitrary units and the in-plane rotation (degrees)."""
    tilt = math.radians(rng.uniform(8, 28))
    axis = rng.uniform(0, math.pi)
    ax, ay = math.cos(axis), math.sin(axis)
    # Rodrigues' rotation about the in-plane axis (ax, ay, 0).
    c, s = math.cos(tilt), math.sin(tilt)
    k = np.array([[0, 0, ay], [0, 0, -ax], [-ay, ax, 0]])
    rot = np.eye(3) + s * k + (1 - c) * (k @ k)
    half = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]]) / max(w, h)
    world = half @ rot.T
    distance = rng.uniform(1.1, 1.7)
    proj = world[:, :2] / (world[:, 2:] + distance)
    roll = rng.uniform(-8, 8)
    r = math.radians(roll)
    proj = proj @ np.array([[math.cos(r), math.sin(r)], [-math.sin(r), math.cos(r)]])
    return proj, roll


def _hand(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """A thumb over the middle of one short side of the page: the page held in a hand."""
    side = rng.choice([(0, 3), (1, 2)])  # left edge or right edge (top-left..bottom-left / top-right..bottom-right)
    a, b = quad[side[0]], quad[side[1]]
    t = rng.uniform(0.3, 0.6)
    edge = a + t * (b - a)
    centre = quad.mean(0)
    inward = (centre - edge) / max(1e-6, np.linalg.norm(centre - edge))
    length = rng.uniform(0.10, 0.16) * img.shape[1]
    tip = edge + inward * length * 0.45
    base = edge - inward * length * 0.55
    skin = np.array([rng.uniform(170, 230), rng.uniform(120, 170), rng.uniform(95, 140)], np.float32)
    layer = np.zeros(img.shape[:2], np.float32)
    mid = (tip + base) / 2
    angle = math.degrees(math.atan2(inward[1], inward[0]))
    cv2.ellipse(layer, (int(mid[0]), int(mid[1])), (int(length / 2), int(length * 0.22)), angle, 0, 360, 1.0, -1)
    layer = cv2.GaussianBlur(layer, (0, 0), 2)
    shade = (0.8 + 0.2 * cv2.GaussianBlur(layer, (0, 0), 6))[..., None]
    layer = layer[..., None]
    return (img * (1 - layer) + skin * shade * layer).astype(np.float32)


def _shadow_and_light(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Uneven light (a smooth gain across the frame) and a soft shadow across part of it."""
    h, w = img.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = np.cos(angle) * x / w + np.sin(angle) * y / h
    ramp = (ramp - ramp.min()) / max(1e-6, float(np.ptp(ramp)))
    gain = 1.0 - rng.uniform(0.25, 0.45) * ramp
    # The shadow: a half-plane with a soft edge (the phone's or the hand's shadow).
    a = rng.uniform(0, 2 * math.pi)
    d = (x - rng.uniform(0.2, 0.8) * w) * math.cos(a) + (y - rng.uniform(0.2, 0.8) * h) * math.sin(a)
    soft = rng.uniform(0.03, 0.1) * w
    gain *= 1.0 - rng.uniform(0.2, 0.4) / (1 + np.exp(-d / soft))
    return img * gain[..., None]


def _specular(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """A glare spot on the page: a saturated core that washes the print out, a wide halo."""
    lo, hi = quad.min(0), quad.max(0)
    cx, cy = rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1])
    size = hi - lo
    rx, ry = rng.uniform(0.06, 0.16) * size[0], rng.uniform(0.06, 0.2) * size[1]
    h, w = img.shape[:2]
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
    alpha = np.clip(rng.uniform(0.75, 1.0) * np.exp(-d) + 0.25 * np.exp(-d / 6), 0, 1)[..., None]
    return img * (1 - alpha) + 255 * alpha


def _blur(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Hand shake (a short motion streak) and a little defocus."""
    length = rng.uniform(1.0, 3.5)
    size = int(math.ceil(length)) * 2 + 1
    kernel = np.zeros((size, size), np.float32)
    a = rng.uniform(0, math.pi)
    half = length / 2
    c = size // 2
    cv2.line(kernel, (int(round(c - half * math.cos(a))), int(round(c - half * math.sin(a)))),
             (int(round(c + half * math.cos(a))), int(round(c + half * math.sin(a)))), 1.0, 1)
    img = cv2.filter2D(img, -1, kernel / kernel.sum())
    return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.8))


def photograph(flat: Image.Image, rng: random.Random) -> Photo:
    """Photograph ``flat`` with a phone, the hard way (module docstring)."""
    src = np.asarray(flat.convert("RGB"))
    h, w = src.shape[:2]
    proj, roll = _tilted_corners(w, h, rng)
    portrait_frame = rng.random() < 0.3  # a hand-held phone held upright
    out_w = PHOTO_WIDTH
    out_h = int(out_w * (4 / 3 if portrait_frame else 3 / 4))
    extent = proj.max(0) - proj.min(0)
    fill = rng.uniform(0.72, 0.9)
    scale = min(fill * out_w / extent[0], 0.95 * out_h / extent[1])
    quad = (proj - proj.min(0)) * scale
    span = quad.max(0)
    quad += np.array([rng.uniform(0.2, 0.8) * (out_w - span[0]), rng.uniform(0.2, 0.8) * (out_h - span[1])])
    # Shrink the rendering first to about the photo's scale (area averaging, no aliasing of
    # the fine print), then warp: the homography is the product of the two.
    shrink = min(1.0, 1.5 * span[0] / w)
    small = cv2.resize(src, (max(1, int(round(w * shrink))), max(1, int(round(h * shrink)))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    flat_corners = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    warp = cv2.getPerspectiveTransform(flat_corners, quad.astype(np.float32))
    homography = warp @ np.diag([sw / w, sh / h, 1.0])
    held = rng.random() < 0.5
    bg = table(out_w, out_h, rng)
    if not held:
        bg = clutter(bg, rng)
    warped = cv2.warpPerspective(small, warp, (out_w, out_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((sh, sw), 255, np.uint8), warp, (out_w, out_h), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    img = warped * alpha + bg.astype(np.float32) * (1 - alpha)
    if held:
        img = _hand(img, quad, rng)
    img = _shadow_and_light(img, rng)
    if rng.random() < 0.85:
        img = _specular(img, quad, rng)
    img = _blur(np.clip(img, 0, 255).astype(np.float32), rng)
    nrng = np.random.default_rng(rng.getrandbits(32))
    img = img + nrng.normal(0, rng.uniform(3, 7), img.shape[:2])[..., None] + nrng.normal(0, 1.5, img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=rng.randint(60, 80))
    encoded = buf.getvalue()
    decoded = np.asarray(Image.open(io.BytesIO(encoded)).convert("RGB"))
    return Photo(decoded, encoded, "JPEG", homography, roll)
