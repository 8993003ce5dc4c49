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

__all__ = ["MrzLine", "MrzZone", "find_mrz", "find_mrz_beside_glare", "find_text_lines"]

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
    #: Runs of cells (line, start, end exclusive) in which no character was seen: the glare
    #: search's zones (:func:`find_mrz_beside_glare`) are read there on the cells' positions
    #: alone, so what is read there is a guess. Empty for the other searches.
    hidden: tuple[tuple[int, int, int], ...] = ()


@dataclass
class _Chain:
    boxes: list[tuple[int, int, int, int]]  # x, y, w, h
    #: The median height, and the number of boxes it was taken over (boxes are only added).
    _height: tuple[int, float] = (0, 0.0)

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
        # Asked thousands of times per search (every join and every group): taken once per size.
        if self._height[0] != len(self.boxes):
            self._height = (len(self.boxes), float(np.median([h for _, _, _, h in self.boxes])))
        return self._height[1]


#: How the print is separated from the paper for the component search: the black-hat image
#: thresholded by Otsu; and, tried only when that finds no zone, the black-hat image of the
#: photo smoothed a little (sigma in pixels), thresholded at this multiple of its Otsu level.
#: On a phone photo the paper's grain and a dense security print under the zone leave enough
#: faint dark texture that Otsu's level falls between texture and paper, so the fillers merge
#: with the grain into blobs that are no characters (a tilted card back, issue 16).
_STRICT_SIGMA, _STRICT_LEVEL = 1.0, 1.5
#: The widest gap (character heights) across which the strict search joins a row's pieces,
#: and the shortest line it accepts, as a share of the zone's longest (0.45 in the ordinary
#: search): a glare spot can wipe out the right half of two lines of a card back, whose
#: cells the full line lends them (:func:`_borrowed`) and whose check digits then judge.
_STRICT_GAP, _STRICT_WIDTH = 10.0, 0.35
#: The fewest characters a row needs to count as a line in the strict search (14 in the
#: ordinary one): what a glare spot leaves of a card's first line.
_STRICT_CHARS = 10


def _components(gray: np.ndarray, strict: bool = False) -> list[tuple[int, int, int, int]]:
    h, w = gray.shape
    kw = max(9, int(w / 60)) | 1
    kh = max(5, int(w / 160)) | 1
    src = cv2.GaussianBlur(gray, (0, 0), _STRICT_SIGMA) if strict else gray
    blackhat = cv2.morphologyEx(src, cv2.MORPH_BLACKHAT, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, kh * 3)))
    level, binary = cv2.threshold(blackhat, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if strict:
        _, binary = cv2.threshold(blackhat, min(254.0, level * _STRICT_LEVEL), 255, cv2.THRESH_BINARY)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    out = []
    min_h, max_h = max(6, h * 0.008, w * 0.006), max(12, w * 0.06)
    for x, y, bw, bh, area in stats[1:]:
        if min_h <= bh <= max_h and bw <= bh * 1.6 and area >= bh * 1.2:
            out.append((int(x), int(y), int(bw), int(bh)))
    return out


def find_text_lines(gray: np.ndarray, min_chars: int = 3, strict: bool = False) -> list[list[tuple[int, int, int, int]]]:
    """Chains of character-like components, left to right: each a text line's character boxes
    (``strict``: components from the stricter separation of print from paper, :data:`_STRICT_LEVEL`)."""
    boxes = sorted(_components(gray, strict))
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


#: Width of an OCR-B glyph's component, in pitches (about 0.6-0.8 of the cell); a component
#: as wide as a cell and a glyph more (:func:`_split_merged`) holds two characters.
_GLYPH = 0.7


def _split_merged(boxes: list[tuple[float, float, float, float]], pitch: float) -> list[tuple[float, float, float, float]]:
    """``boxes`` with each component that spans several cells split into one box per cell:
    small, blurred print (a phone photo, a 10-pixel pitch) merges neighbouring glyphs into one
    component whose centre lies between two cells, and counted as one character it shifts the
    grid's fit by half a cell, enough to read every later letter of a name one cell off."""
    out: list[tuple[float, float, float, float]] = []
    for x, y, w, h in boxes:
        k = max(1, int(round(w / pitch - _GLYPH)) + 1)
        if k == 1:
            out.append((x, y, w, h))
            continue
        part = w - (k - 1) * pitch
        for j in range(k):
            out.append((x + j * pitch, y, part, h))
    return out


#: A step of at least this many cells between two characters of a line is a gap in what was
#: seen (glare, a stamp), across which the cell count is a guess.
_GAP_CELLS = 4


def _one_missed_step(idx: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """``idx`` (cell indices of the components at ``xs``) with one cell added from the
    component where a smooth (quadratic: perspective) grid then fits the components best."""
    best, best_err = idx, np.inf
    for k in range(1, len(xs)):
        cand = idx + (np.arange(len(xs)) >= k)
        coef = np.polyfit(cand, xs, 2)
        err = float(np.sum((np.polyval(coef, cand) - xs) ** 2))
        if err < best_err:
            best, best_err = cand, err
    return best


def _fitted_grid(chain: list[tuple[int, int, int, int]], n: int, left: float, right: float) -> tuple[MrzLine, int, int] | None:
    """Fit ``n`` evenly spaced cells through the chain's components between ``left`` and
    ``right`` (the zone's edges: MRZ lines are equally long and aligned, so a character the
    component filter missed at one end of one line does not shift that line's grid): the
    line, and the first and last cell its components fall in."""
    span = right - left
    pitch = span / (n - 0.31)
    boxes = _split_merged(sorted(chain), pitch)
    xs = np.array([x + w / 2 for x, _, w, _ in boxes], np.float64)
    ys = np.array([y + h / 2 for _, y, _, h in boxes], np.float64)
    hs = np.array([h for *_, h in boxes], np.float64)
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
    if idx[-1] == n - 2 and idx[0] == 0 and xs[0] < left + pitch and xs[-1] > right - pitch:
        # Both ends at the zone's edges and the walk one cell short: it missed one step
        # somewhere between (a gap of two cells counted as one). Shifting every index to pin
        # the right end would put the first character in the second cell; instead the step is
        # placed where the grid fits the components best.
        idx = _one_missed_step(idx, xs)
    steps = np.diff(idx)
    if (len(steps) and steps.max() >= _GAP_CELLS and idx[0] == 0 and idx[-1] != n - 1
            and xs[0] < left + pitch and xs[-1] > right - pitch):
        # Both ends at the zone's edges across a wide gap (glare): the cells the gap hides are
        # the count in doubt, not the first cell. The part after the gap takes the right end;
        # pinning the whole line to it would slip every cell before the gap.
        k = int(steps.argmax()) + 1
        if idx[k] + (n - 1) - idx[-1] > idx[k - 1]:
            idx[k:] += (n - 1) - idx[-1]
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
    return MrzLine(centers, pitch, float(np.median(hs))), int(idx.min()), int(idx.max())


#: Share of a line's cells its components must span for its own grid to be trusted beyond
#: them, and the share a neighbouring line must span to lend its grid.
_PARTIAL, _FULL = 0.8, 0.95


def _borrowed(fits: list[tuple[MrzLine, int, int]]) -> tuple[MrzLine, ...]:
    """The lines of one zone, each line whose components span only part of it (glare, faint
    print, a stamp) given the cell positions of a line that spans it whole, shifted onto its
    own components: MRZ lines are equally long, equally pitched and aligned, while a grid
    extrapolated beyond its components (a quadratic, for perspective) drifts by cells."""
    n = max(line.length for line, _, _ in fits)
    full = [line for line, lo, hi in fits if hi - lo + 1 >= _FULL * n and line.length == n]
    out = []
    for line, lo, hi in fits:
        if hi - lo + 1 >= _PARTIAL * n or not full or line.length != n:
            out.append(line)
            continue
        ref = full[0].centers[:, 0]
        # By position, not by index: a partial line's first index is itself a guess (a
        # pitch that perspective bends puts it a cell off), while the lines' cells lie
        # within a fraction of a cell of one another.
        own = line.centers[lo:hi + 1, 0]
        nearest = np.abs(own[:, None] - ref[None, :]).argmin(1)
        shift = float(np.median(own - ref[nearest]))
        xs = ref + shift
        ycoef = np.polyfit(line.centers[:, 0], line.centers[:, 1], 1)
        out.append(MrzLine(np.stack([xs, np.polyval(ycoef, xs)], axis=1), float(np.median(np.diff(xs))), line.height))
    return tuple(out)


def _aligned(lines: tuple[MrzLine, ...], group: list[_Chain]) -> tuple[MrzLine, ...]:
    """The three lines of a card's zone with one line whose grid the other two contradict
    (its first cell half a pitch or more from theirs, or its pitch 5% off, while they agree)
    given their grid, shifted onto its own characters: a component of noise beside a line
    (the grain of a phone photo, an edge) stretches that line's fit, and every cell read from
    it slips (TANAKA read IMITANAA). Two lines alone cannot tell which one is wrong."""
    if len(lines) != 3:
        return lines
    starts = [float(line.centers[0, 0]) for line in lines]
    pitches = [line.pitch for line in lines]

    def agree(a: int, b: int) -> bool:
        p = (pitches[a] + pitches[b]) / 2
        return abs(starts[a] - starts[b]) < 0.5 * p and abs(pitches[a] - pitches[b]) < 0.05 * p

    out = list(lines)
    for k in range(3):
        i, j = (m for m in range(3) if m != k)
        if not agree(i, j) or agree(k, i) or agree(k, j):
            continue
        ref = (lines[i].centers[:, 0] + lines[j].centers[:, 0]) / 2
        pitch = float(np.median(np.diff(ref)))
        xs = np.array([x + w / 2 for x, _, w, _ in group[k].boxes], np.float64)
        d = xs[:, None] - ref[None, :]
        near = d[np.arange(len(xs)), np.abs(d).argmin(1)]
        near = near[np.abs(near) < 0.5 * pitch]
        if len(near) < 0.5 * len(ref):
            continue  # its characters do not sit on the others' grid either
        cells = ref + float(np.median(near))
        ycoef = np.polyfit(lines[k].centers[:, 0], lines[k].centers[:, 1], 1)
        out[k] = MrzLine(np.stack([cells, np.polyval(ycoef, cells)], axis=1), pitch, lines[k].height)
    return tuple(out)


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


#: The steepest slope (dy / dx) a text row is continued along when joining its pieces.
_MAX_SLOPE = 0.25


def _slope(chains: list[_Chain]) -> float:
    """The text's slope on the image (dy / dx): the median, over chains of at least five
    characters spanning three character heights, of a straight line through their centres,
    each weighted by its length. 0 when there is none or it is steeper than :data:`_MAX_SLOPE`."""
    slopes, weights = [], []
    for c in chains:
        xs = np.array([x + w / 2 for x, _, w, _ in c.boxes], np.float64)
        if len(xs) < 5 or xs.max() - xs.min() < 3 * c.h:
            continue
        ys = np.array([y + h / 2 for _, y, _, h in c.boxes], np.float64)
        slopes.append(np.polyfit(xs, ys, 1)[0])
        weights.append(len(xs))
    if not slopes:
        return 0.0
    order = np.argsort(slopes)
    cum = np.cumsum(np.array(weights, np.float64)[order])
    slope = float(np.array(slopes)[order][np.searchsorted(cum, cum[-1] / 2)])
    return slope if abs(slope) <= _MAX_SLOPE else 0.0


def _y_at(row: _Chain, x: float, slope: float) -> float:
    """The row's centre line at ``x``, continued from its characters along its own slope when
    it is long enough to have one (eight characters over six heights), else along ``slope``
    (the text's on the whole image)."""
    xs = np.array([bx + bw / 2 for bx, _, bw, _ in row.boxes], np.float64)
    ys = np.array([by + bh / 2 for _, by, _, bh in row.boxes], np.float64)
    if len(xs) >= 8 and xs.max() - xs.min() >= 6 * row.h:
        own = float(np.polyfit(xs, ys, 1)[0])
        if abs(own) <= _MAX_SLOPE:
            slope = own
    return float(np.mean(ys - slope * xs)) + slope * x


def _rows(chains: list[_Chain], max_gap: float = 8.0, slope: float | None = None, along_only: bool = False) -> list[_Chain]:
    """Join chains that continue one another on the same text row (a gap in the print, a
    glare spot or a missed character splits a line) across at most ``max_gap`` character
    heights, continued along the text's ``slope`` (:func:`_slope` of ``chains`` when not given).
    ``along_only``: only along the slope, not also at the row's mean height (across a wide
    gap on tilted text, a piece of the next line lies at that height)."""
    chains = sorted(chains, key=lambda c: c.x0)
    # Rows are continued along the text's slope: on a tilted line the row's mean height is a
    # cell or more off beyond a gap (a glare spot across a tilted card back).
    slope = _slope(chains) if slope is None else slope
    rows: list[_Chain] = []
    for c in chains:
        x, y, w, h = c.boxes[0]
        for r in rows:
            rh = r.h
            if not (0.7 < c.h / rh < 1.4 and c.x0 > r.x1 - rh and c.x0 - r.x1 < max_gap * rh):
                continue
            if (not along_only and abs(r.cy - c.cy) < 0.5 * rh) or abs(_y_at(r, x + w / 2, slope) - (y + h / 2)) < 0.5 * rh:
                r.boxes.extend(c.boxes)
                break
        else:
            rows.append(_Chain(list(c.boxes)))
    return rows


def find_mrz(gray: np.ndarray, strict: bool = False) -> MrzZone | None:
    """The MRZ on a grey image with roughly horizontal text, or None.

    Looks for 2 or 3 consecutive long text rows of about the same height and spacing whose
    character count and width fit 30, 36 or 44 cells; prefers the lowest such group (the MRZ is
    at the foot of the page). ``strict``: search the components of the stricter separation of
    print from paper (:data:`_STRICT_LEVEL`), for when the ordinary one finds no zone.
    """
    # The strict search is the one for glare: a glare spot on a photo wipes out a few cells
    # of every line it crosses.
    pieces = [_Chain(c) for c in find_text_lines(gray, min_chars=3, strict=strict)]
    slope = _slope(pieces)
    chains = _rows(pieces, _STRICT_GAP if strict else 8.0, slope)
    chains = [c for c in chains if len(c.boxes) >= (_STRICT_CHARS if strict else 14)]
    # Rows are ordered and spaced by their height at one x, along the text's slope: on a
    # tilted photo a row a glare spot cut short has its mean height far from its neighbours'.
    mid = gray.shape[1] / 2
    chains.sort(key=lambda c: _y_at(c, mid, slope))
    candidates = []
    for i in range(len(chains)):
        for size in (3, 2):
            group = chains[i:i + size]
            if len(group) < size:
                continue
            hmed = float(np.median([c.h for c in group]))
            if max(c.h for c in group) > 1.4 * min(c.h for c in group):
                continue
            at = (min(c.x0 for c in group) + max(c.x1 for c in group)) / 2
            gaps = [_y_at(b, at, slope) - _y_at(a, at, slope) for a, b in zip(group, group[1:])]
            if not all(1.15 * hmed <= g <= 3.2 * hmed for g in gaps):
                continue
            left, right = min(c.x0 for c in group), max(c.x1 for c in group)
            widths = [c.x1 - c.x0 for c in group]
            if min(widths) < (_STRICT_WIDTH if strict else 0.45) * max(widths):
                continue
            span = _Chain([(left, 0, 1, int(hmed)), (right - 1, 0, 1, int(hmed))])
            n = _best_length(span, max(len(c.boxes) for c in group))
            if n is None or (size == 3) != (n == 30):
                continue
            if size == 3:
                left = float(np.median([c.x0 for c in group]))
                right = float(np.median([c.x1 for c in group]))
            # A line whose own count fits keeps its own ends (perspective shifts them a little).
            fits = [
                _fitted_grid(c.boxes, n, c.x0, c.x1) if len(c.boxes) >= n - 1 else _fitted_grid(c.boxes, n, left, right)
                for c in group
            ]
            if any(fit is None for fit in fits):
                continue
            lines = _aligned(_borrowed(fits), group)
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


#: The glare search (:func:`find_mrz_beside_glare`): rows of at least this many characters,
#: joined across gaps of up to this many character heights, whose characters step by one
#: pitch at least this share of the time (an MRZ is monospaced and has no spaces; printed
#: names and dates are not and have).
_GLARE_CHARS, _GLARE_GAP, _GLARE_REGULAR = 14, 20.0, 0.5
#: The most zone hypotheses the glare search returns: each costs a full read when it fails.
_GLARE_HYPOTHESES = 4
#: The fewest consecutive cells without a character that count as hidden (one or two are a
#: character the component filter missed).
_HIDDEN_RUN = 3


def _hidden_cells(lines: tuple[MrzLine, ...], group: list[_Chain]) -> tuple[tuple[int, int, int], ...]:
    """The runs of at least :data:`_HIDDEN_RUN` cells of each line with no component of its
    row within half a pitch of the cell's centre."""
    out = []
    for k, (line, row) in enumerate(zip(lines, group, strict=True)):
        xs = np.array([x + w / 2 for x, _, w, _ in row.boxes], np.float64)
        seen = np.abs(line.centers[:, 0][:, None] - xs[None, :]).min(1) <= 0.5 * line.pitch
        start = None
        for i, s in enumerate([*seen.tolist(), True]):
            if not s and start is None:
                start = i
            elif s and start is not None:
                if i - start >= _HIDDEN_RUN:
                    out.append((k, start, i))
                start = None
    return tuple(out)


def _row_pitch(row: _Chain) -> float | None:
    """The row's character pitch (median step between neighbouring characters), or None when
    the row is not monospaced and unbroken enough to be an MRZ line (:data:`_GLARE_REGULAR`)."""
    xs = np.sort(np.array([x + w / 2 for x, _, w, _ in row.boxes], np.float64))
    steps = np.diff(xs)
    steps = steps[steps < 2.5 * row.h]  # the glare gaps, not steps
    if len(steps) < _GLARE_CHARS - 2:
        return None
    pitch = float(np.median(steps))
    if not 0.6 * row.h <= pitch <= 1.8 * row.h or np.mean((steps > 0.8 * pitch) & (steps < 1.25 * pitch)) < _GLARE_REGULAR:
        return None
    return pitch


def _glare_beyond(gray: np.ndarray, rows: list[_Chain], x: float, pitch: float, right: bool) -> float:
    """Mean brightness of the band of ``rows`` over three pitches beyond ``x`` (to the right
    when ``right``): a glare spot there is brighter than paper, an edge of the page darker."""
    y0 = int(max(0, min(min(y for _, y, _, _ in r.boxes) for r in rows)))
    y1 = int(min(gray.shape[0], max(max(y + h for _, y, _, h in r.boxes) for r in rows)))
    a, b = (x, x + 3 * pitch) if right else (x - 3 * pitch, x)
    a, b = int(max(0, a)), int(min(gray.shape[1], b))
    return float(gray[y0:y1, a:b].mean()) if b > a and y1 > y0 else 0.0


def _glare_hypotheses(gray: np.ndarray, group: list[_Chain], pitches: list[float],
                      slope: float) -> list[tuple[tuple[float, ...], MrzZone]]:
    """The zones ``group`` (two or three rows, top to bottom) may be the visible part of, each
    with its sort key (lowest first, the longer layout first, the brighter hidden side first)."""
    if max(pitches) > 1.25 * min(pitches) or max(c.h for c in group) > 1.4 * min(c.h for c in group):
        return []
    hmed = float(np.median([c.h for c in group]))
    x0, x1 = min(c.x0 for c in group), max(c.x1 for c in group)
    if min(c.x1 for c in group) - max(c.x0 for c in group) < 0.5 * min(c.x1 - c.x0 for c in group):
        return []  # side by side, not one above the other
    at = (x0 + x1) / 2
    gaps = [_y_at(b, at, slope) - _y_at(a, at, slope) for a, b in zip(group, group[1:])]
    if not all(1.15 * hmed <= g <= 3.2 * hmed for g in gaps):
        return []
    pitch = float(np.mean(pitches))
    seen = (x1 - x0) / pitch + 0.31
    y0 = int(min(min(y for _, y, _, _ in c.boxes) for c in group))
    y1 = int(max(max(y + h for _, y, _, h in c.boxes) for c in group))
    out = []
    for n in ((30,) if len(group) == 3 else (44, 36)):
        if seen > 1.12 * n:
            continue
        if seen >= n - 1.5:
            spans = [(0.0, float(x0), float(x1))]
        else:
            width = (n - 0.31) * pitch
            # The brighter hidden side first: there the glare hides the rest of the line.
            spans = [(-_glare_beyond(gray, group, x1, pitch, True), float(x0), x0 + width),
                     (-_glare_beyond(gray, group, x0, pitch, False), x1 - width, float(x1))]
        for glare, left, right in spans:
            fits = [_fitted_grid(c.boxes, n, left, right) for c in group]
            if any(fit is None for fit in fits):
                continue
            lines = _borrowed(fits)  # type: ignore[arg-type]
            dy = np.polyfit(lines[0].centers[:, 0], lines[0].centers[:, 1], 1)[0]
            zone = MrzZone(lines, (int(left), y0, int(right - left), y1 - y0), float(-np.degrees(np.arctan(dy))),
                           (y0 + y1) / 2 < gray.shape[0] / 2, _hidden_cells(lines, group))
            out.append(((-y1, -len(group), -n, glare), zone))
    return out


def find_mrz_beside_glare(gray: np.ndarray) -> list[MrzZone]:
    """Zones a glare spot (or faded print) hides part of, for when :func:`find_mrz` finds none
    in either search: three (or two) long monospaced rows of one height, one above the other
    at a line's spacing, taken as the visible part of an MRZ of 30 (or 44 and 36) cells at
    the rows' own pitch. When the rows span a whole line the zone is theirs; when they span
    less, the visible part is taken as the line's start and as its end, two hypotheses, the
    one whose hidden side is brighter (the glare) first. At most :data:`_GLARE_HYPOTHESES`,
    best first; the reader's check digits choose.

    A phone photo with glare over the zone (issue 16's hard set) cuts every line it crosses:
    the ordinary search finds rows too short for any layout, and the strict one rows of too
    few characters, so neither finds a zone, while the visible cells carry most fields."""
    pieces = [_Chain(c) for c in find_text_lines(gray, min_chars=3)]
    slope = _slope(pieces)
    rows = [r for r in _rows(pieces, _GLARE_GAP, slope, along_only=True) if len(r.boxes) >= _GLARE_CHARS]
    mid = gray.shape[1] / 2
    rows.sort(key=lambda c: _y_at(c, mid, slope))
    pitches = [_row_pitch(r) for r in rows]
    found: list[tuple[tuple[float, ...], MrzZone]] = []
    in_card: set[int] = set()  # rows of three-line zones: no two-line zone of them
    for i in range(len(rows)):
        for size in (3, 2):
            group, gp = rows[i:i + size], pitches[i:i + size]
            if len(group) < size or any(p is None for p in gp) or (size == 2 and {i, i + 1} & in_card):
                continue
            got = _glare_hypotheses(gray, group, gp, slope)  # type: ignore[arg-type]
            if got and size == 3:
                in_card.update((i, i + 1, i + 2))
            found.extend(got)
    return [z for _, z in sorted(found, key=lambda t: t[0])][:_GLARE_HYPOTHESES]
