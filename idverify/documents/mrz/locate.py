"""Find the machine-readable zone on an upright (or upside-down) document image.

Morphology first, as PassportEye and pyimagesearch do (a black-hat transform brings out dark
print on a light ground), then geometry rather than a single blob: the black-hat image is
thresholded into character-sized connected components, neighbours are chained into text lines,
and the MRZ is the group of two or three long, parallel, equally long lines of evenly pitched
characters (30, 36 or 44 of them). Each line comes back with its character grid (the centre of
every character cell) fitted through the components, so that perspective and a few degrees of
skew are absorbed. Pure image processing with numpy and OpenCV; no OCR.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["MrzLine", "MrzZone", "find_mrz", "find_text_lines"]

_LENGTHS = (30, 36, 44)


@dataclass(frozen=True)
class MrzLine:
    """One MRZ line on the working image: N cell centres and the line's top and bottom."""

    centers: np.ndarray  # (N, 2) cell centres, pixels
    pitch: float  # median distance between cell centres, pixels
    height: float  # character height, pixels

    @property
    def length(self) -> int:
        return len(self.centers)


@dataclass(frozen=True)
class MrzZone:
    """The MRZ found on an image."""

    lines: tuple[MrzLine, ...]
    #: Left, top, width, height of the zone in pixels of the image searched.
    box: tuple[int, int, int, int]
    #: Skew of the lines in degrees (positive: rising to the right).
    angle: float
    #: True when the zone lies in the upper half (the document is probably upside down).
    upper_half: bool


@dataclass
class _Chain:
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h

    @property
    def x0(self) -> int:
        return self.boxes[0][0]

    @property
    def x1(self) -> int:
        return self.boxes[-1][0] + self.boxes[-1][2]

    @property
    def cy(self) -> float:
        return float(np.mean([y + h / 2 for _, y, _, h in self.boxes]))

    @property
    def h(self) -> float:
        return float(np.median([h for _, _, _, h in self.boxes]))


def _components(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    h, w = gray.shape
    kw = max(9, int(w / 60)) | 1
    kh = max(5, int(w / 160)) | 1
    blackhat = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh * 3)))
    _, binary = cv2.threshold(blackhat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    out = []
    min_h, max_h = max(6, h * 0.008, w * 0.006), max(12, w * 0.06)
    for x, y, bw, bh, area in stats[1:]:
        if min_h <= bh <= max_h and bw <= bh * 1.6 and area >= bh * 1.2:
            out.append((int(x), int(y), int(bw), int(bh)))
    return out


def find_text_lines(gray: np.ndarray, min_chars: int = 3) -> list[list[tuple[int, int, int, int]]]:
    """Chains of character-like components, left to right: each a text line's character boxes."""
    boxes = sorted(_components(gray))
    used = [False] * len(boxes)
    chains: list[list[tuple[int, int, int, int]]] = []
    for i, first in enumerate(boxes):
        if used[i]:
            continue
        chain = [first]
        used[i] = True
        last = first
        j = i + 1
        while True:
            lx, ly, lw, lh = last
            best, best_d = -1, 0.0
            for k in range(j, len(boxes)):
                x, y, bw, bh = boxes[k]
                if x > lx + lw + 3.2 * lh:
                    break
                if used[k] or x < lx + lw * 0.5:
                    continue
                if abs((y + bh / 2) - (ly + lh / 2)) > 0.35 * lh or not 0.7 <= bh / lh <= 1.45:
                    continue
                d = x - lx
                if best < 0 or d < best_d:
                    best, best_d = k, d
            if best < 0:
                break
            used[best] = True
            chain.append(boxes[best])
            last = boxes[best]
        if len(chain) >= min_chars:
            chains.append(chain)
    return chains


def _grid(chain: list[tuple[int, int, int, int]], n: int, left: float, right: float) -> MrzLine | None:
    """Fit ``n`` evenly spaced cells through the chain's components between ``left`` and
    ``right`` (the zone's edges: MRZ lines are equally long and aligned, so a character the
    component filter missed at one end of one line does not shift that line's grid)."""
    boxes = sorted(chain)
    xs = np.array([x + w / 2 for x, _, w, _ in boxes], np.float64)
    ys = np.array([y + h / 2 for _, y, _, h in boxes], np.float64)
    hs = np.array([h for *_, h in boxes], np.float64)
    span = right - left
    pitch = span / (n - 0.31)
    # Walk the components left to right, counting cells by the local pitch: perspective makes
    # the pitch drift along a line, so one global pitch would slip a cell on long lines.
    idx = np.zeros(len(xs))
    idx[0] = max(0.0, round((xs[0] - (left + 0.345 * pitch)) / pitch))
    local = pitch
    for k in range(1, len(xs)):
        step = (xs[k] - xs[k - 1]) / local
        idx[k] = idx[k - 1] + max(0, round(step))
        if 0.75 < step < 1.25:
            local = 0.8 * local + 0.2 * (xs[k] - xs[k - 1])
    # Pin the ends: the first and last cells sit at the zone's edges.
    if idx[-1] <= n - 1 and xs[-1] > right - pitch:
        idx += (n - 1) - idx[-1]
    if idx[-1] > n - 1 or idx[0] < 0:
        # The walk slipped (merged or broken characters): fall back to one global pitch.
        idx = np.clip(np.round((xs - (left + 0.345 * pitch)) / pitch), 0, n - 1)
    uniq = len(set(idx.tolist()))
    if uniq < 3:
        return None
    deg = 2 if uniq > n * 0.6 else 1
    coef = np.polyfit(idx, xs, deg)
    cells = np.polyval(coef, np.arange(n))
    pitch = float(np.median(np.diff(cells)))
    if pitch <= 0:
        return None
    ycoef = np.polyfit(xs, ys, 1)
    centers = np.stack([cells, np.polyval(ycoef, cells)], axis=1)
    return MrzLine(centers, pitch, float(np.median(hs)))


def _best_length(chain: _Chain, count: int | None = None) -> int | None:
    count = len(chain.boxes) if count is None else count
    width_in_heights = (chain.x1 - chain.x0) / max(chain.h, 1)
    best = None
    for n in _LENGTHS:
        # OCR-B at 10 cpi: the pitch is about 0.98 of the capital height (0.8-1.3 after blur).
        ratio = width_in_heights / (n - 0.31)
        if 0.75 <= ratio <= 1.45 and 0.8 * n <= count <= 1.12 * n:
            # Characters are missed (touching, stamped over) more often than invented: on a
            # tie, the longer layout wins.
            score = abs(count - n) - (0.5 if n > count else 0.0)
            if best is None or score < best[0]:
                best = (score, n)
    return best[1] if best else None


def _rows(chains: list[_Chain]) -> list[_Chain]:
    """Join chains that continue one another on the same text row (a gap in the print, a
    glare spot or a missed character splits a line)."""
    chains = sorted(chains, key=lambda c: c.x0)
    rows: list[_Chain] = []
    for c in chains:
        for r in rows:
            if abs(r.cy - c.cy) < 0.5 * r.h and 0.7 < c.h / r.h < 1.4 and c.x0 > r.x1 - r.h and c.x0 - r.x1 < 8 * r.h:
                r.boxes.extend(c.boxes)
                break
        else:
            rows.append(_Chain(list(c.boxes)))
    return rows


def find_mrz(gray: np.ndarray) -> MrzZone | None:
    """The MRZ on a grey image with roughly horizontal text, or None.

    Looks for 2 or 3 consecutive long text rows of about the same height and spacing whose
    character count and width fit 30, 36 or 44 cells; prefers the lowest such group (the MRZ is
    at the foot of the page).
    """
    chains = _rows([_Chain(c) for c in find_text_lines(gray, min_chars=3)])
    chains = [c for c in chains if len(c.boxes) >= 14]
    chains.sort(key=lambda c: c.cy)
    candidates = []
    for i in range(len(chains)):
        for size in (3, 2):
            group = chains[i:i + size]
            if len(group) < size:
                continue
            hmed = float(np.median([c.h for c in group]))
            if max(c.h for c in group) > 1.4 * min(c.h for c in group):
                continue
            gaps = [b.cy - a.cy for a, b in zip(group, group[1:])]
            if not all(1.15 * hmed <= g <= 3.2 * hmed for g in gaps):
                continue
            left, right = min(c.x0 for c in group), max(c.x1 for c in group)
            widths = [c.x1 - c.x0 for c in group]
            if min(widths) < 0.45 * max(widths):
                continue
            span = _Chain([(left, 0, 1, int(hmed)), (right - 1, 0, 1, int(hmed))])
            n = _best_length(span, max(len(c.boxes) for c in group))
            if n is None or (size == 3) != (n == 30):
                continue
            if size == 3:
                left = float(np.median([c.x0 for c in group]))
                right = float(np.median([c.x1 for c in group]))
            # A line whose own count fits keeps its own ends (perspective shifts them a little).
            lines = [
                _grid(c.boxes, n, c.x0, c.x1) if len(c.boxes) >= n - 1 else _grid(c.boxes, n, left, right)
                for c in group
            ]
            if any(line is None for line in lines):
                continue
            candidates.append((size, group[-1].cy, tuple(lines), group))
    if not candidates:
        return None
    # Prefer three lines (TD1) over two where both fit, then the lowest group.
    size, _, lines, group = max(candidates, key=lambda c: (c[0], c[1]))
    x0 = min(c.x0 for c in group)
    x1 = max(c.x1 for c in group)
    y0 = int(min(min(y for _, y, _, _ in c.boxes) for c in group))
    y1 = int(max(max(y + h for _, y, _, h in c.boxes) for c in group))
    dy = np.polyfit(lines[0].centers[:, 0], lines[0].centers[:, 1], 1)[0]
    return MrzZone(lines, (int(x0), y0, int(x1 - x0), y1 - y0), float(-np.degrees(np.arctan(dy))), (y0 + y1) / 2 < gray.shape[0] / 2)
