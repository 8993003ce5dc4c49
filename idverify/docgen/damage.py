"""Generated documents damaged the way real photos of documents are, for robustness tests.

The bad-input corpus feeds broken bytes; real uploads are broken documents: the photo's edge
cuts the end of the MRZ, a line of it is hidden, only half of the page is in the frame, two
pages (two documents) share one photo, a corner is torn off, a stamp or signature is printed
over the MRZ. Each damage is applied to the flat rendering of a generated document (the MRZ's
box is known there) and the result is then photographed at a :mod:`~idverify.docgen.degrade`
level; the cut is made on the photo itself, since it is the camera's frame that cuts.

Everything is deterministic in the seed: the corpus is code, not stored images.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from idverify.docgen import DocumentTruth, Kind, Level, generate_document
from idverify.docgen.degrade import Photo, degrade

__all__ = ["DAMAGES", "Damage", "DamagedDocument", "damage_document", "damaged_corpus"]

Damage = Literal["mrz_cut", "mrz_line_missing", "half_page", "two_pages", "torn_corner", "mrz_overprint"]
DAMAGES: tuple[Damage, ...] = ("mrz_cut", "mrz_line_missing", "half_page", "two_pages", "torn_corner", "mrz_overprint")
_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class DamagedDocument:
    """The photos of a damaged document, what was done to it and the undamaged truth."""

    images: tuple[bytes, ...]  # encoded PNG (clean) or JPEG, as a caller would upload them
    damage: Damage
    #: What was done, in words ("the photo's edge cuts the last 2 MRZ characters").
    description: str
    truth: DocumentTruth
    #: The other document on the photo for "two_pages", else None.
    other_truth: DocumentTruth | None = None


def _encode(rgb: np.ndarray, level: Level, rng: random.Random) -> bytes:
    buf = io.BytesIO()
    if level == "clean":
        Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    else:
        Image.fromarray(rgb).save(buf, format="JPEG", quality=rng.randint(60, 90))
    return buf.getvalue()


def _page_colour(flat: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int]:
    """The paper's colour just above ``box`` (median of a thin band)."""
    x, y, w, h = box
    band = flat[max(0, y - 12):max(1, y - 2), x:x + w].reshape(-1, 3)
    return tuple(int(v) for v in np.median(band, axis=0)) if len(band) else (235, 235, 230)


def _hide_line(flat: np.ndarray, box: tuple[int, int, int, int], lines: int, rng: random.Random) -> tuple[np.ndarray, str]:
    x, y, w, h = box
    k = rng.randrange(lines)
    pitch = h / lines
    out = flat.copy()
    top, bottom = int(y + k * pitch), int(y + (k + 1) * pitch)
    out[top:bottom, max(0, x - 10):x + w + 10] = _page_colour(flat, box)
    return out, f"MRZ line {k + 1} of {lines} hidden"


def _half(flat: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    h, w = flat.shape[:2]
    side = rng.choice(["top", "bottom", "left", "right"])
    keep = rng.uniform(0.4, 0.6)
    if side == "top":
        return flat[: int(h * keep)].copy(), f"only the top {keep:.0%} of the page"
    if side == "bottom":
        return flat[int(h * (1 - keep)):].copy(), f"only the bottom {keep:.0%} of the page"
    if side == "left":
        return flat[:, : int(w * keep)].copy(), f"only the left {keep:.0%} of the page"
    return flat[:, int(w * (1 - keep)):].copy(), f"only the right {keep:.0%} of the page"


def _two_pages(flat: np.ndarray, other: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    gap = rng.randint(4, 40)
    h, w = flat.shape[:2]
    oh, ow = other.shape[:2]
    if rng.random() < 0.5:  # one above the other, as a passport opened at its data page
        canvas = np.full((h + gap + oh, max(w, ow), 3), 200, np.uint8)
        canvas[:oh, :ow] = other
        canvas[oh + gap:, :w] = flat
        return canvas, "another document's page above this one"
    canvas = np.full((max(h, oh), w + gap + ow, 3), 200, np.uint8)
    canvas[:h, :w] = flat
    canvas[:oh, w + gap:] = other
    return canvas, "another document's page beside this one"


def _torn_corner(flat: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    h, w = flat.shape[:2]
    corner = rng.choice(["top-left", "top-right", "bottom-right", "bottom-left"])
    size = rng.uniform(0.15, 0.35) * min(w, h)
    cx, cy = (0 if "left" in corner else w), (0 if "top" in corner else h)
    sx, sy = (1 if "left" in corner else -1), (1 if "top" in corner else -1)
    # A ragged tear from one edge to the other.
    pts = [(cx, cy), (cx + sx * size * rng.uniform(0.8, 1.4), cy)]
    for t in np.linspace(0.15, 0.85, 6):
        r = size * rng.uniform(0.85, 1.15)
        a = t * math.pi / 2
        pts.append((cx + sx * r * math.cos(a), cy + sy * r * math.sin(a)))
    pts.append((cx, cy + sy * size * rng.uniform(0.8, 1.4)))
    img = Image.fromarray(flat)
    ImageDraw.Draw(img).polygon(pts, fill=tuple(rng.randint(40, 160) for _ in range(3)))
    return np.asarray(img).copy(), f"the {corner} corner torn off ({size:.0f} px)"


def _overprint(flat: np.ndarray, box: tuple[int, int, int, int], rng: random.Random) -> tuple[np.ndarray, str]:
    x, y, w, h = box
    base = Image.fromarray(flat).convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    if rng.random() < 0.5:
        word = rng.choice(["SPECIMEN", "CANCELLED", "VOID", "SAMPLE"])
        colour = rng.choice([(200, 30, 30), (30, 40, 170), (20, 120, 60)])
        font = ImageFont.truetype(_FONT, int(h * rng.uniform(0.5, 0.9)))
        text = Image.new("RGBA", (int(w * 0.8), h * 2), (0, 0, 0, 0))
        ImageDraw.Draw(text).text((0, h // 3), word, font=font, fill=colour + (rng.randint(110, 190),))
        text = text.rotate(rng.uniform(-12, 12), expand=True)
        layer.alpha_composite(text, (int(x + rng.uniform(0, 0.3) * w), int(y - h * 0.4)))
        what = f"a {word} stamp over the MRZ"
    else:
        pts = [(x + rng.uniform(0.1, 0.3) * w, y + rng.uniform(0.2, 0.8) * h)]
        for _ in range(rng.randint(8, 16)):
            px, py = pts[-1]
            pts.append((px + rng.uniform(10, 0.08 * w), y + rng.uniform(0.0, 1.0) * h))
        draw.line(pts, fill=(20, 30, 110, 220), width=rng.randint(3, 7), joint="curve")
        what = "a signature scrawled over the MRZ"
    return np.asarray(Image.alpha_composite(base, layer).convert("RGB")).copy(), what


def _cut(photo: Photo, box: tuple[int, int, int, int], lines: int, chars: int, rng: random.Random) -> tuple[np.ndarray, int]:
    """Crop ``photo`` along the image axis nearest the MRZ's reading direction so that the
    last ``k`` (1-3) characters of every line fall outside the frame; returns (image, k)."""
    x, y, w, h = box
    k = rng.randint(1, 3)
    pitch = w / chars
    start = photo.map_points(np.array([[x, y + h / 2]]))[0]
    end = photo.map_points(np.array([[x + w, y + h / 2]]))[0]
    cut_at = photo.map_points(np.array([[x + w - (k - 0.3) * pitch, y], [x + w - (k - 0.3) * pitch, y + h]]))
    d = end - start
    img = photo.image
    if abs(d[0]) >= abs(d[1]):
        c = int(cut_at[:, 0].min()) if d[0] > 0 else int(math.ceil(cut_at[:, 0].max()))
        img = img[:, :c] if d[0] > 0 else img[:, c:]
    else:
        c = int(cut_at[:, 1].min()) if d[1] > 0 else int(math.ceil(cut_at[:, 1].max()))
        img = img[:c] if d[1] > 0 else img[c:]
    return np.ascontiguousarray(img), k


def damage_document(seed: int, damage: Damage, *, kind: Kind = "td3", level: Level = "mild",
                    today: dt.date | None = None) -> DamagedDocument:
    """One generated document (``kind`` "td3" or "td1"; the damage goes to the side with the
    MRZ) with ``damage``, photographed at ``level`` ("clean", "mild" or "strong"). The same
    arguments give the same bytes."""
    if damage not in DAMAGES:
        raise ValueError(f"damage must be one of {DAMAGES}, not {damage!r}")
    if kind not in ("td3", "td1") or level not in ("clean", "mild", "strong"):
        raise ValueError("damage_document takes kind td3 or td1 and level clean, mild or strong")
    rng = random.Random(f"damage:{seed}:{damage}:{kind}:{level}")
    g = generate_document(seed, kind=kind, level="clean", today=today)
    t = g.truth
    idx, box = t.mrz_image_index, t.mrz_box
    lines, chars = len(t.mrz_lines), len(t.mrz_lines[0])
    flat = g.arrays[idx]
    other_truth = None
    if damage == "mrz_line_missing":
        flat, what = _hide_line(flat, box, lines, rng)
    elif damage == "half_page":
        flat, what = _half(flat, rng)
    elif damage == "two_pages":
        other = generate_document(seed + 100_000, kind=kind, level="clean", today=today)
        other_truth = other.truth
        flat, what = _two_pages(flat, other.arrays[other.truth.mrz_image_index], rng)
    elif damage == "torn_corner":
        flat, what = _torn_corner(flat, rng)
    elif damage == "mrz_overprint":
        flat, what = _overprint(flat, box, rng)
    else:
        what = ""
    photo = degrade(Image.fromarray(flat), level, rng)
    image = photo.image
    if damage == "mrz_cut":
        image, k = _cut(photo, box, lines, chars, rng)
        what = f"the photo's edge cuts the last {k} MRZ character{'s' if k > 1 else ''} of each line"
    images = list(g.images)
    images[idx] = _encode(image, level, rng) if (damage == "mrz_cut" or level != "clean") else photo.encoded
    return DamagedDocument(tuple(images), damage, what, t, other_truth)


def damaged_corpus(seed: int, n: int, *, levels: tuple[Level, ...] = ("clean", "mild", "strong"),
                   today: dt.date | None = None) -> list[DamagedDocument]:
    """``n`` damaged documents: the damages in turn, passports and card backs alternating every
    full round, levels in turn every round; document seeds ``seed``, ``seed + 1``, ..."""
    out = []
    for i in range(n):
        damage = DAMAGES[i % len(DAMAGES)]
        round_ = i // len(DAMAGES)
        kind: Kind = "td3" if round_ % 2 == 0 else "td1"
        out.append(damage_document(seed + i, damage, kind=kind, level=levels[round_ % len(levels)], today=today))
    return out
