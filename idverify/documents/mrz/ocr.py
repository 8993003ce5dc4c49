"""Read the characters of a located MRZ: cell images, filler detection, Tesseract, assembly.

Each MRZ line is cut into its character cells along the grid :mod:`~idverify.documents.mrz.locate` fitted, and the
cells are laid side by side at a fixed size, which straightens skew and perspective and
upscales small print. The filler ``<`` is what Tesseract's English model reads worst (as K, or
it drops or adds a few), so fillers are recognised first by matching each cell against OCR-B
glyphs, and only the runs of real characters are given to Tesseract, joined into one compact
line (shorter lines are also faster: the LSTM costs about 5 ms per character). Tesseract's
symbols are mapped back to cells by position; a cell it leaves empty takes the template's
answer. Two binarisations are tried; the caller keeps the read with the best check digits.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from idverify.documents.mrz.layout import LAYOUTS, Alphabet, MrzFormat
from idverify.documents.mrz.locate import MrzLine, MrzZone
from idverify.documents.tesseract import MRZ_WHITELIST, TesseractEngine

__all__ = ["CELL_H", "CELL_W", "LineRead", "ZONE_FORMATS", "cell_alphabets", "cell_strip", "consensus", "count_fillers", "read_zone", "template_read"]

#: Width and height of one normalised character cell, pixels.
CELL_W, CELL_H = 24, 34
_FONT = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
_TPL = (18, 22)  # template size after ink-height normalisation (w, h)


@dataclass(frozen=True)
class LineRead:
    """One line's characters and per-character confidence in [0, 1]."""

    text: str
    confidence: tuple[float, ...]


def cell_strip(gray: np.ndarray, line: MrzLine, height_factor: float = 1.45) -> np.ndarray:
    """The line's cells side by side, each CELL_W x CELL_H, grey, dark text on light; each
    cell's patch is ``height_factor`` times the characters' height (a smaller factor crops
    tighter, so the glyph is read at a larger scale)."""
    ph = line.height * height_factor
    cells = []
    for cx, cy in line.centers:
        patch = cv2.getRectSubPix(gray, (max(2, int(round(line.pitch))), max(2, int(round(ph)))), (float(cx), float(cy)))
        cells.append(cv2.resize(patch, (CELL_W, CELL_H), interpolation=cv2.INTER_CUBIC))
    return np.hstack(cells)


#: Darkest paper over brightest along a line below which Otsu reads the line flattened.
_UNEVEN = 0.8


def _flatten(strip: np.ndarray) -> np.ndarray:
    """The strip divided by its paper (the brightest grey within about a cell, smoothed) when
    the paper's brightness varies along it by more than ``_UNEVEN``: a shadow or a light
    gradient across the line, which left one global threshold inking half of it (phone
    photos, issue 16). Evenly lit lines are returned as they are, so they read as before."""
    paper = cv2.dilate(strip, cv2.getStructuringElement(cv2.MORPH_RECT, (CELL_W + 1, CELL_H)))
    paper = cv2.GaussianBlur(paper.astype(np.float32), (0, 0), CELL_W / 2)
    if paper.min() >= _UNEVEN * paper.max():
        return strip
    return np.clip(strip.astype(np.float32) * 255.0 / np.maximum(paper, 1.0), 0, 255).astype(np.uint8)


def _binarize(strip: np.ndarray, method: str) -> np.ndarray:
    if method in ("otsu", "tight"):
        blur = cv2.GaussianBlur(_flatten(strip), (3, 3), 0)
        _, out = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        return out
    if method == "clahe":
        # Local contrast first: glare and a dense background pattern under the zone leave
        # one global threshold wrong on part of the line.
        eq = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(1, max(1, strip.shape[1] // (4 * CELL_W)))).apply(strip)
        _, out = cv2.threshold(cv2.GaussianBlur(eq, (3, 3), 0), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        return out
    if method == "sharp":
        # Unsharp mask: thin strokes of soft, small print survive the threshold.
        blur = cv2.GaussianBlur(strip, (0, 0), 2.0)
        sharp = cv2.addWeighted(strip, 1.8, blur, -0.8, 0)
        _, out = cv2.threshold(sharp, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        return out
    out = cv2.adaptiveThreshold(strip, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 2 * CELL_H + 1, 12)
    return cv2.medianBlur(out, 3)


def _ink_normalise(cell: np.ndarray) -> np.ndarray | None:
    """Scale a binary cell's ink (True/255) to the template height, keeping its aspect (O is
    wider than 0 in OCR-B), centred on a template-sized canvas; zero mean, unit norm."""
    ys, xs = np.nonzero(cell)
    if len(xs) < 6:
        return None
    crop = cell[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    tw, th = _TPL
    h, w = crop.shape
    nw = int(np.clip(round(w * th / h), 1, tw))
    scaled = cv2.resize(crop, (nw, th), interpolation=cv2.INTER_AREA)
    norm = np.zeros((th, tw), np.float32)
    x = (tw - nw) // 2
    norm[:, x:x + nw] = scaled
    norm -= norm.mean()
    n = np.linalg.norm(norm)
    return norm / n if n > 0 else None


@functools.cache
def _templates() -> tuple[str, np.ndarray]:
    font = ImageFont.truetype(_FONT, int(round(CELL_W / 0.723)))
    chars, vecs = [], []
    for ch in MRZ_WHITELIST:
        for weight in (0, 1):
            img = Image.new("L", (CELL_W * 2, CELL_H * 2), 0)
            ImageDraw.Draw(img).text((CELL_W // 2, CELL_H // 4), ch, font=font, fill=255, stroke_width=weight)
            v = _ink_normalise(np.asarray(img) > 127)
            chars.append(ch)
            vecs.append(v.ravel())
    return "".join(chars), np.stack(vecs)


def _classify(binary_strip: np.ndarray, n: int) -> list[tuple[str, float, float]]:
    """Per cell: the best template character, its correlation and the filler's correlation."""
    chars, mat = _templates()
    out = []
    ink = binary_strip < 128
    for i in range(n):
        cell = ink[:, i * CELL_W:(i + 1) * CELL_W]
        # Keep the main blob: ink touching the cell borders belongs to neighbours.
        v = _ink_normalise(cell[2:-2, 1:-1])
        if v is None:
            out.append(("<", 0.0, 0.0))
            continue
        scores = mat @ v.ravel()
        best = int(np.argmax(scores))
        filler = float(max(scores[i2] for i2, c in enumerate(chars) if c == "<"))
        out.append((chars[best], float(scores[best]), filler))
    return out


def _c_or_g(cell: np.ndarray) -> str | None:
    """'G' or 'C' from the ink where OCR-B's G has its bar (right half, just below the middle)
    and C is open; Tesseract's English model reads OCR-B's G as C."""
    ys, xs = np.nonzero(cell)
    if len(xs) < 12:
        return None
    c = cell[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = c.shape
    bar = c[int(0.45 * h):int(0.62 * h) + 1, int(0.55 * w):int(0.9 * w) + 1]
    return "G" if bar.size and bar.mean() > 0.3 else "C"


def _d_or_o(cell: np.ndarray) -> str | None:
    """'D' or 'O' from the ink in the left corners: D's stem meets its bowls there at right
    angles, O is round."""
    ys, xs = np.nonzero(cell)
    if len(xs) < 12:
        return None
    c = cell[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = c.shape
    corners = np.concatenate([c[: int(0.12 * h) + 1, : int(0.2 * w) + 1].ravel(), c[int(0.88 * h):, : int(0.2 * w) + 1].ravel()])
    return "D" if corners.size and corners.mean() > 0.5 else "O"


def _fix_look_alikes(binary: np.ndarray, chars: list[str]) -> None:
    """Settle C/G and D/O by the stroke that tells them apart in OCR-B."""
    ink = binary < 128
    for k, c in enumerate(chars):
        test = _c_or_g if c in ("C", "G") else _d_or_o if c in ("D", "O") else None
        if test is not None:
            decided = test(ink[2:-2, k * CELL_W + 1:(k + 1) * CELL_W - 1])
            if decided:
                chars[k] = decided


def _read_line(engine: TesseractEngine, binary: np.ndarray, n: int, alphabet: tuple[str, ...] | None = None) -> LineRead:
    """One line: fillers by template, runs of characters by Tesseract. With ``alphabet`` (per
    cell, the characters its field allows: :func:`cell_alphabets`), the runs of each alphabet
    are read together under that whitelist, so a digit field cannot come back as letters."""
    tpl = _classify(binary, n)
    is_filler = [c == "<" and s > 0.55 for c, s, _ in tpl]
    allowed = alphabet or (MRZ_WHITELIST,) * n
    chunks: dict[str, list[tuple[int, int]]] = {}  # whitelist -> (first cell, last cell + 1) of runs
    i = 0
    while i < n:
        if is_filler[i]:
            i += 1
            continue
        j = i
        while j < n and not is_filler[j] and allowed[j] == allowed[i]:
            j += 1
        chunks.setdefault(allowed[i], []).append((i, j))
        i = j
    chars = ["<" if f else "" for f in is_filler]
    conf = [min(1.0, max(0.0, tpl[k][1])) if is_filler[k] else 0.0 for k in range(n)]
    for whitelist, runs in chunks.items():
        pad, gap = 12, CELL_W
        pieces, offsets = [], []
        x = pad
        for a, b in runs:
            offsets.append((x, a, b))
            pieces.append(binary[:, a * CELL_W:b * CELL_W])
            pieces.append(np.full((CELL_H, gap), 255, np.uint8))
            x += (b - a) * CELL_W + gap
        compact = np.hstack(pieces[:-1])
        compact = cv2.copyMakeBorder(compact, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
        for sym in engine.read_symbols(compact, whitelist):
            cx = (sym.box[0] + sym.box[2]) / 2.0
            for start, a, b in offsets:
                if start - CELL_W / 2 <= cx < start + (b - a) * CELL_W + CELL_W / 2:
                    k = a + int(np.clip((cx - start) // CELL_W, 0, b - a - 1))
                    c = sym.text[:1]
                    if c in whitelist and sym.confidence / 100.0 > conf[k]:
                        chars[k], conf[k] = c, sym.confidence / 100.0
                    break
    for k in range(n):
        if not chars[k]:
            chars[k] = tpl[k][0]
            conf[k] = max(0.0, tpl[k][1]) * 0.5
    _fix_look_alikes(binary, chars)
    return LineRead("".join(chars), tuple(conf))


def count_fillers(gray: np.ndarray, zone: MrzZone) -> int:
    """How many cells of the zone hold a confident ``<``: many for an upright MRZ, almost none
    for one upside down (its chevrons point the other way)."""
    total = 0
    for line in zone.lines:
        strip = _binarize(cell_strip(gray, line), "otsu")
        total += sum(1 for c, s, _ in _classify(strip, line.length) if c == "<" and s > 0.6)
    return total


def template_read(binary: np.ndarray, n: int) -> LineRead:
    """The line read by OCR-B template matching alone (no Tesseract)."""
    tpl = _classify(binary, n)
    chars = [c for c, _, _ in tpl]
    _fix_look_alikes(binary, chars)
    return LineRead("".join(chars), tuple(max(0.0, s) for _, s, _ in tpl))


def consensus(reads: list[LineRead]) -> LineRead:
    """Per character, the majority of ``reads`` (ties: the most confident)."""
    chars, confs = [], []
    for k in range(len(reads[0].text)):
        votes: dict[str, float] = {}
        counts: dict[str, int] = {}
        for r in reads:
            c = r.text[k]
            counts[c] = counts.get(c, 0) + 1
            votes[c] = max(votes.get(c, 0.0), r.confidence[k])
        best = max(counts, key=lambda c: (counts[c], votes[c]))
        chars.append(best)
        confs.append(votes[best] * counts[best] / len(reads))
    return LineRead("".join(chars), tuple(confs))


_WHITELISTS = {
    Alphabet.DIGITS: "0123456789<",
    Alphabet.DATE: "0123456789<",
    Alphabet.LETTERS: "ABCDEFGHIJKLMNOPQRSTUVWXYZ<",
    Alphabet.SEX: "MFX<",
    Alphabet.ALNUM: MRZ_WHITELIST,
}


#: The layouts a zone of (lines, length) may hold: a visa is told from a passport or card by
#: its first letter only, which is not read yet.
ZONE_FORMATS = {
    (3, 30): (MrzFormat.TD1,),
    (2, 44): (MrzFormat.TD3, MrzFormat.MRV_A),
    (2, 36): (MrzFormat.TD2, MrzFormat.MRV_B),
}


def cell_alphabets(formats: tuple[MrzFormat, ...]) -> list[tuple[str, ...]]:
    """Per line, per cell: the Tesseract whitelist of the field the cell is in, in every one
    of ``formats`` (all of one size); where they disagree, every MRZ character."""
    per_format = []
    for fmt in formats:
        layout = LAYOUTS[fmt]
        out = [[MRZ_WHITELIST] * layout.length for _ in range(layout.lines)]
        for f in layout.fields:
            for p in range(f.start, f.end):
                out[f.line][p] = _WHITELISTS[f.alphabet]
        per_format.append(out)
    return [tuple(cells[0] if len(set(cells)) == 1 else MRZ_WHITELIST for cells in zip(*lines)) for lines in zip(*per_format)]


def read_zone(engine: TesseractEngine, gray: np.ndarray, zone: MrzZone, methods: tuple[str, ...] = ("otsu", "adaptive"),
              ) -> dict[str, list[LineRead]]:
    """Read every line of ``zone`` per method: "otsu", "adaptive", "clahe" (local contrast,
    then Otsu), "sharp" (unsharp mask, then Otsu) and "tight" (Otsu on cells cropped closer:
    a larger scale), each by Tesseract, and "template" (OCR-B matching on Otsu); returns
    method -> lines. A Tesseract method named with the suffix ":fields" (``"otsu:fields"``)
    reads each field under its own alphabet, by the layout ``fmt`` (digits as digits, names
    as letters, by the layouts the zone's size allows: :data:`ZONE_FORMATS`), where the plain
    read allows every MRZ character everywhere."""
    strips = [cell_strip(gray, line) for line in zone.lines]
    out = {}
    for method in methods:
        base, _, suffix = method.partition(":")
        if base == "template":
            out[method] = [template_read(_binarize(s, "otsu"), line.length) for s, line in zip(strips, zone.lines)]
        else:
            source = [cell_strip(gray, line, 1.2) for line in zone.lines] if base == "tight" else strips
            binaries = [_binarize(s, base) for s in source]
            formats = ZONE_FORMATS.get((len(zone.lines), zone.lines[0].length)) if suffix == "fields" else None
            alphabets = cell_alphabets(formats) if formats else [None] * len(zone.lines)
            out[method] = engine.map(lambda b, n, a: _read_line(engine, b, n, a), binaries,
                                     [line.length for line in zone.lines], alphabets)
    return out
