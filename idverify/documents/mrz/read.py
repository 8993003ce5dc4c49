"""From a grey image to a parsed MRZ: orientation search, deskew, OCR, best-read selection.

The MRZ is searched as the image stands, then turned by 90, 180 and 270 degrees; a zone found
at a slant is deskewed and found again, so every character cell is upright. Whether a
horizontal zone is upright or upside down is decided by the filler glyphs: an upright MRZ
shows ``<`` chevrons, an upside-down one ``>`` shapes that match no filler. Lines are read with
Otsu binarisation first (unless the OCR-B cell classifier read every cell surely, the print
is not small and every check digit passes: its reading is then taken alone); only when the
check digits do not all pass (or the print is small, or Tesseract unsure) is the adaptive
binarisation read as well, each field under its own
alphabet (a date as digits, a name as letters), and every combination of line reads is
parsed: the best :func:`~idverify.documents.mrz.parse_mrz` score wins (PassportEye's
``valid_score`` idea), less points for corrections the reads do not bear out. A digit that
still fails brings three more reads. A zone under coloured overprint (a SPECIMEN stamp) is read
on each pixel's brightest channel, where the stamp is paper. What the reads agree on settles
fields whose digit passes on two texts, and names the fields they do not bear out
(:mod:`~idverify.documents.mrz.agreement`), so a read that may be wrong says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np

from idverify.documents.mrz import LAYOUTS, MrzFormat, MrzFormatError, MrzResult, parse_mrz, with_symbol
from idverify.documents.mrz.layout import Alphabet
from idverify.documents.mrz.agreement import DOUBT, digit_shaped_letters, doubtful, doubts, settle
from idverify.documents.mrz.locate import MrzLine, MrzZone, find_mrz, find_mrz_beside_glare
from idverify.documents.mrz.ocr import ZONE_FORMATS, LineRead, cell_alphabets, consensus, count_fillers, read_zone
from idverify.documents.mrz.ocrb_cells import SYMBOLS, CellClassifier, CellReads, field_doubts, second_opinion
from idverify.documents.locate import rotate_bound
from idverify.documents.tesseract import TesseractEngine

__all__ = ["MrzReading", "read_mrz"]


@dataclass(frozen=True)
class MrzReading:
    """The best MRZ read from one image."""

    result: MrzResult
    #: Mean per-character OCR confidence of the chosen lines, 0-1.
    ocr_confidence: float
    #: The zone's box (left, top, width, height) on the oriented working image.
    zone_box: tuple[int, int, int, int]
    #: Rotation applied to the input to read it, degrees counter-clockwise.
    rotation: float
    #: The upright, deskewed grey image the zone was read on.
    upright: np.ndarray
    #: 3x3 matrix from ``upright`` pixels to the pixels of the image given to :func:`read_mrz`.
    to_input: np.ndarray
    #: Fields the readings do not bear out where no check digit settles it
    #: (:func:`~idverify.documents.mrz.agreement.doubts`, and the OCR-B classifier's,
    #: :func:`~idverify.documents.mrz.ocrb_cells.second_opinion`):
    #: the read may be wrong although every digit passes.
    doubts: tuple[str, ...] = ()
    #: Fields read, in part or by their check digit, in cells where no character was seen
    #: (a glare spot over the zone: :attr:`MrzZone.hidden`) and no pair of digits confirms.
    obscured: tuple[str, ...] = ()


def _obscured(result: MrzResult, zone: MrzZone) -> tuple[str, ...]:
    """The fields of ``result`` (names as in its layout, check digits folded into their field)
    with a cell, or their check digit's cell, among the zone's hidden cells; but a field whose
    own digit and the composite both pass as read (no correction): two digits confirm it,
    where one passes a misread in ten. Faint print under glare is often read right where no
    character was seen; a name or a code has no digit to say so."""
    if not zone.hidden:
        return ()
    hidden = {(line, i) for line, a, b in zone.hidden for i in range(a, b)}
    fields = LAYOUTS[result.format].fields
    checks = {c.field: c.valid and not c.corrected for c in result.checks}
    out = set()
    for f in fields:
        if any((f.line, i) in hidden for i in range(f.start, f.end)):
            base = f.name.removesuffix("_check")
            # The composite digit and the optional data (a personal number) hold nothing the
            # checks compare.
            if base == "composite" or base.startswith("optional_data") or not any(g.name == base for g in fields):
                continue
            if checks.get(base) and checks.get("composite"):
                continue
            out.add(base)
    return tuple(sorted(out))


def _rot90_matrix(k: int, w: int, h: int) -> np.ndarray:
    """3x3 matrix taking pixels of ``np.rot90(img, k)`` back to ``img`` (w x h)."""
    if k == 1:  # view (x, y) <- img (W-1-y, x)
        return np.array([[0, -1, w - 1], [1, 0, 0], [0, 0, 1]], np.float64)
    if k == 3:
        return np.array([[0, 1, 0], [-1, 0, h - 1], [0, 0, 1]], np.float64)
    return np.eye(3)


def _flip_matrix(w: int, h: int) -> np.ndarray:
    return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)


def _half_turn(zone: MrzZone, w: int, h: int) -> MrzZone:
    """``zone`` as it lies on the image turned by 180 degrees (w x h): cells and lines reversed."""
    # A cell centre is a component's x + width / 2, so it turns to w - x (not w - 1 - x).
    lines = tuple(MrzLine(np.array([w, h], np.float64) - line.centers[::-1], line.pitch, line.height)
                  for line in reversed(zone.lines))
    x, y, bw, bh = zone.box
    return MrzZone(lines, (w - x - bw, h - y - bh, bw, bh), zone.angle, not zone.upper_half)


def _orient(gray: np.ndarray) -> list[tuple[float, np.ndarray, MrzZone, np.ndarray]]:
    """Upright, deskewed views holding an MRZ: (rotation, view, zone, view->input matrix)."""
    h, w = gray.shape
    # The ordinary component search in every orientation first, the stricter one (for grain
    # and security print that merge with the fillers) only when that finds no zone at all.
    for strict, quarter in itertools.product((False, True), (0, 1, 3)):
        view = np.ascontiguousarray(np.rot90(gray, quarter)) if quarter else gray
        to_input = _rot90_matrix(quarter, w, h)
        zone = find_mrz(view, strict)
        if zone is None:
            continue
        rotation = 90.0 * quarter
        if abs(zone.angle) > 1.0:
            rotated, m = rotate_bound(view, -zone.angle)
            zone2 = find_mrz(rotated, strict)
            if zone2 is not None:
                back = np.linalg.inv(np.vstack([m, [0, 0, 1]]))
                rotation -= zone.angle
                view, zone, to_input = rotated, zone2, to_input @ back
        vh, vw = view.shape
        up = count_fillers(view, zone)
        cells = sum(line.length for line in zone.lines)
        if up >= 0.2 * cells and not zone.upper_half:
            # Plenty of upright chevrons at the foot of the page: no need to look upside down.
            return [(rotation, view, zone, to_input)]
        flipped = np.ascontiguousarray(view[::-1, ::-1])
        # The same zone turned half a turn (no second search: its grid is the same cells).
        zone_f = _half_turn(zone, vw, vh)
        if count_fillers(flipped, zone_f) > up:
            return [(rotation + 180.0, flipped, zone_f, to_input @ _flip_matrix(vw, vh))]
        return [(rotation, view, zone, to_input)]
    return []


def _beside_glare(gray: np.ndarray) -> list[tuple[float, np.ndarray, MrzZone, np.ndarray]]:
    """The zone hypotheses of :func:`~idverify.documents.mrz.locate.find_mrz_beside_glare` in
    the first orientation that has any, deskewed, upright (no half turn: a glare spot hides
    the chevrons that tell it)."""
    h, w = gray.shape
    for quarter in (0, 1, 3):
        view = np.ascontiguousarray(np.rot90(gray, quarter)) if quarter else gray
        to_input = _rot90_matrix(quarter, w, h)
        zones = find_mrz_beside_glare(view)
        if not zones:
            continue
        rotation = 90.0 * quarter
        if abs(zones[0].angle) > 1.0:
            rotated, m = rotate_bound(view, -zones[0].angle)
            again = find_mrz_beside_glare(rotated)
            if again:
                back = np.linalg.inv(np.vstack([m, [0, 0, 1]]))
                return [(rotation - zones[0].angle, rotated, z, to_input @ back) for z in again]
        return [(rotation, view, z, to_input) for z in zones]
    return []


#: Mean Tesseract confidence (0-1) of a line below which the zone is read a third way.
_SURE = 0.88
#: Character height, pixels, below which the zone is read three ways (small print slips on
#: letters no check digit covers, and the vote needs three reads).
_SMALL_PX = 14
#: Which read wins a tie on the parse score: the OCR-B cell classifier reads best (held out:
#: 99.9% of strong and 94.9% of phone characters against Tesseract's 97.9% and 86.5%, and far
#: fewer slips on the real specimens), then Tesseract (names carry no check digit, so ties are
#: decided on them), the template matcher is the fallback.
_PRIORITY = {"cells": -1, "otsu": 0, "adaptive": 1, "consensus": 2, "template": 3}
#: The first reading (Otsu, each field under its own alphabet, and the OCR-B templates); the
#: second, made when a check digit asks, the print is small or Tesseract was unsure; and the
#: last three, made only when a check digit still fails.
_FIRST = ("otsu", "template")
_SECOND = ("adaptive:fields",)
_THIRD = ("clahe", "sharp:fields", "tight")
#: The three reads the two-of-three vote counts.
_VOTERS = (_FIRST[0], _SECOND[0], "template")


#: The classifier's probability at or above which the two-of-three vote leaves its character
#: standing (:func:`_vote`).
_CELLS_SURE = 0.9
#: The classifier's least probability over a zone's cells at or above which its reading alone
#: is taken, every check digit passing, print not small (:func:`_classifier_alone`). Its
#: probabilities top out near 0.95; of 579 zones of generated and real documents, 243 were read
#: at 0.9 or more, and on each Tesseract's reads changed no character and cast no doubt
#: (benchmarks/RESULTS.md, 2026-12-07). Fields no digit checks (names, codes, sex) lose no vote
#: by it: the full path's vote leaves a character the classifier reads at :data:`_CELLS_SURE`
#: standing too. Against the truth, 159 of 180 clean, mild and strong documents (seeds 4000+)
#: were read this way with no field wrong (benchmarks/RESULTS.md, 2026-12-07, second section).
_ALONE_SURE = 0.9


def _cells_read(cell_reads: list[CellReads]) -> list[LineRead]:
    """The zone as the OCR-B cell classifier read it: per cell its most probable symbol, with
    that probability as the confidence. A reader of its own beside Tesseract's, on the same
    grid: its line reads enter the combinations the check digits choose among."""
    return [LineRead(r.text, tuple(float(p) for p in r.probs.max(1))) for r in cell_reads]


@functools.cache
def _symbol_masks(formats: tuple[MrzFormat, ...]) -> tuple[np.ndarray, ...]:
    """Per line of a zone of ``formats``, (cells, symbols): whether the cell's field allows
    the classifier's symbol (:data:`~idverify.documents.mrz.ocrb_cells.SYMBOLS`)."""
    return tuple(np.array([[sym in allowed for sym in SYMBOLS] for allowed in line]) for line in cell_alphabets(formats))


def _cells_fields_read(cell_reads: list[CellReads]) -> list[LineRead] | None:
    """The classifier's reading under each field's alphabet (a name cell's most probable
    letter or filler, a date cell's most probable digit), by the layouts the zone's size
    allows (:data:`~idverify.documents.mrz.ocr.ZONE_FORMATS`); None for a zone of no layout.
    As Tesseract's ``:fields`` reads: read with every symbol allowed, a name the classifier
    reads right but for one O as 0 (JOSE read J0SE) costs a correction in the parse score and
    loses the choice to a Tesseract line with a real slip in it."""
    formats = ZONE_FORMATS.get((len(cell_reads), len(cell_reads[0].probs) if cell_reads else 0))
    if formats is None or any(len(r.probs) != len(cell_reads[0].probs) for r in cell_reads):
        return None
    out = []
    for r, masks in zip(cell_reads, _symbol_masks(formats)):
        probs = np.where(masks, r.probs, -1.0)
        best = probs.argmax(1)
        out.append(LineRead("".join(SYMBOLS[i] for i in best), tuple(float(r.probs[k, i]) for k, i in enumerate(best))))
    return out


def _best(reads: dict[str, list[LineRead]], today: dt.date) -> tuple[MrzResult, float] | None:
    methods = list(reads)
    per_line = list(zip(*(list(zip([m] * len(reads[m]), reads[m])) for m in methods)))
    best = None
    seen = set()
    for combo in itertools.product(*per_line):
        texts = tuple(r.text for _, r in combo)
        if texts in seen:
            continue
        seen.add(texts)
        try:
            result = parse_mrz(texts, today=today)
        except MrzFormatError:
            continue
        conf = float(np.mean([c for _, r in combo for c in r.confidence]))
        key = (result.score - DOUBT * doubtful(result, reads), -sum(_PRIORITY.get(m.partition(":")[0], 9) for m, _ in combo), conf)
        if best is None or key > best[0]:
            best = (key, result, conf)
    return (best[1], best[2]) if best else None


def _name_cells(result: MrzResult) -> tuple[int, int, int]:
    """(line, start, end) of the name field."""
    f = LAYOUTS[result.format].field("name")
    return f.line, f.start, f.end


#: The classifier's probability of a character from which it speaks against a vote that
#: would replace it, when it gives the voted character less than a tenth of that (:func:`_vote`).
_CELLS_LEAN = 0.5


def _classifier_against(cell_reads: list[CellReads] | None, line: int, pos: int, kept: str, voted: str) -> bool:
    """True when the OCR-B classifier reads ``kept`` at the cell with at least
    :data:`_CELLS_LEAN` and gives ``voted`` less than a tenth of that."""
    if cell_reads is None or line >= len(cell_reads) or pos >= len(cell_reads[line].probs):
        return False
    p = cell_reads[line].prob(pos, kept)
    return p >= _CELLS_LEAN and cell_reads[line].prob(pos, voted) < p / 10


def _vote(result: MrzResult, reads: dict[str, list[LineRead]], today: dt.date,
          cell_reads: list[CellReads] | None = None) -> MrzResult:
    """Settle characters by a two-of-three vote of the Otsu, adaptive and template reads.

    Names carry no check digit, and some confusions leave a check digit valid (G and 6 have
    the same value modulo 10), so the score cannot choose there. A character two reads agree
    on replaces the chosen one; the vote is kept only if the parse score does not drop (first
    for every field, then for the name alone). With ``cell_reads`` (the OCR-B classifier's
    probabilities), a vote does not overturn a character the classifier reads with at least
    :data:`_CELLS_LEAN` while giving the voted one less than a tenth of that
    (:func:`_classifier_against`): on a phone photo two Tesseract binarisations share a slip
    (KARI read KARL) that the classifier, the better reader there, all but rules out."""
    if not all(m in reads for m in _VOTERS):
        return result
    sure = reads.get("cells")
    name_line, start, end = _name_cells(result)
    lines_all = [list(line) for line in result.lines]
    lines_names = [list(line) for line in result.lines]
    for li, line in enumerate(result.lines):
        for k in range(len(line)):
            if sure is not None and sure[li].text[k] == line[k] and sure[li].confidence[k] >= _CELLS_SURE:
                continue  # the classifier is sure of the chosen character: a better reader than the vote
            votes = [reads[m][li].text[k] for m in _VOTERS]
            for c in set(votes):
                if votes.count(c) >= 2 and c != line[k] and not _classifier_against(cell_reads, li, k, line[k], c):
                    lines_all[li][k] = c
                    if li == name_line and start <= k < end and (c.isalpha() or c == "<"):
                        lines_names[li][k] = c
    for candidate in (lines_all, lines_names):
        texts = ["".join(x) for x in candidate]
        if tuple(texts) == result.lines:
            continue
        try:
            voted = parse_mrz(texts, today=today)
        except MrzFormatError:
            continue
        if voted.format is result.format and voted.score >= result.score:
            return voted
    return result


def _locked(result: MrzResult) -> set[tuple[int, int]]:
    """The (line, position) cells of fields whose own check digit passes, digits included."""
    valid = {c.field: c.valid for c in result.checks}
    return {cell for check in LAYOUTS[result.format].checks if check.name != "composite" and valid.get(check.name)
            for cell in [(ln, p) for ln, a, b in check.spans for p in range(a, b)] + [check.digit]}


def _support(reads: dict[str, list[LineRead]], line: int, pos: int, ch: str) -> int:
    """How many reads (not counting their consensus) saw ``ch`` at (line, pos)."""
    return sum(1 for m, lines in reads.items() if m != "consensus" and lines[line].text[pos] == ch)


def _line_swaps(result: MrzResult, reads: dict[str, list[LineRead]], today: dt.date) -> MrzResult:
    """Replace one line at a time by another read of it, keeping a swap that raises the score
    (twice round). Linear in reads x lines, where trying every combination of seven reads of
    three lines would take hundreds of parses."""
    best = result
    for _ in range(2):
        improved = False
        for li in range(len(best.lines)):
            for lines in reads.values():
                if lines[li].text == best.lines[li]:
                    continue
                # Every character a swap changes must be seen by two reads: with seven reads
                # to choose from, some mix of slips passes every digit by chance (a 10-pixel
                # card read "valid" with five wrong characters).
                # Nor may it touch a field whose own digit already passes (as the parser locks
                # those): the composite then "confirms" a new slip that cancels an old one.
                locked = _locked(best)
                texts = list(best.lines)
                texts[li] = "".join(c if c == old or ((li, k) not in locked and _support(reads, li, k, c) >= 2) else old
                                    for k, (c, old) in enumerate(zip(lines[li].text, best.lines[li])))
                if texts[li] == best.lines[li]:
                    continue
                try:
                    cand = parse_mrz(texts, today=today)
                except MrzFormatError:
                    continue
                if cand.format is best.format and cand.score > best.score:
                    best, improved = cand, True
        if not improved:
            break
    return best


def _cell_rereads(result: MrzResult, reads: dict[str, list[LineRead]], today: dt.date) -> MrzResult:
    """Per character under each failing check digit: try what at least two other reads saw
    at that cell, one cell at a time. A change is kept only when it makes that digit pass and
    no other single change does (two would be a guess: one in ten random changes passes)."""
    layout = LAYOUTS[result.format]
    best = result
    for check in layout.checks:
        if {c.field: c.valid for c in best.checks}.get(check.name, True):
            continue
        # The digit itself may be re-read only where another digit (the composite) covers it:
        # a data slip "confirmed" by re-reading its own check digit confirms nothing.
        guarded = check.name != "composite" and any(c.name == "composite" for c in layout.checks)
        locked = _locked(best)
        cells = [(ln, p) for ln, a, b in check.spans for p in range(a, b)] + ([check.digit] if guarded else [])
        cells = [c for c in cells if c not in locked]
        passing = []
        for ln, p in cells:
            if best.lines[ln][p] == "<":
                continue
            # Characters only: a filler here or there moves field boundaries (a long number).
            for alt in sorted({lines[ln].text[p] for lines in reads.values()} - {best.lines[ln][p], "<"}):
                if _support(reads, ln, p, alt) < 2:
                    continue
                cand = with_symbol(best, ln, p, alt, today=today)
                if cand is None:
                    continue
                valid = {c.field: c.valid for c in cand.checks}
                ok = valid.get(check.name, False) and ((ln, p) != check.digit or valid.get("composite", False))
                if ok and cand.format is best.format and cand.score > best.score:
                    passing.append(cand)
        if len({c.lines for c in passing}) == 1:
            best = passing[0]
    return best


def _splice(result: MrzResult, reads: dict[str, list[LineRead]], today: dt.date) -> MrzResult:
    """Mix reads field by field: for each field whose check digit fails, take the characters
    of the first other read that makes it pass (greedy; kept only when the score rises).
    Different binarisations fail on different characters, so a line no read got right may
    still be assembled from parts they did."""
    layout = LAYOUTS[result.format]
    best = result
    for check in layout.checks:
        if {c.field: c.valid for c in best.checks}.get(check.name, True):
            continue
        cells = [(ln, p) for ln, a, b in check.spans for p in range(a, b)] + [check.digit]
        for method, lines in reads.items():
            rows = [list(x) for x in best.lines]
            for ln, p in cells:
                rows[ln][p] = lines[ln].text[p]
            try:
                cand = parse_mrz(["".join(r) for r in rows], today=today)
            except MrzFormatError:
                continue
            if cand.format is result.format and cand.score > best.score:
                best = cand
                break
    return best


#: Saturation (max - min of R, G, B) above which a bright pixel is coloured overprint, and the
#: share of the zone's box such pixels must cover for the zone to be read on the ink image.
_OVERPRINT_SATURATION, _OVERPRINT_SHARE = 70, 0.03


def _ink_view(color: np.ndarray | None, view: np.ndarray, zone_box: tuple[int, int, int, int], to_input: np.ndarray) -> np.ndarray:
    """``view`` with coloured overprint taken out, when the zone has some: each pixel's
    brightest channel, in which a red or blue stamp or a coloured security print across the
    MRZ is nearly paper while the black MRZ print stays black (a SPECIMEN stamp over a
    passport's name line). ``view`` itself when there is no colour image or no overprint."""
    if color is None:
        return view
    x, y, w, h = zone_box
    corners = cv2.perspectiveTransform(np.array([[[x, y]], [[x + w, y]], [[x + w, y + h]], [[x, y + h]]], np.float64), to_input).reshape(-1, 2)
    (x0, y0), (x1, y1) = np.floor(corners.min(0)).astype(int), np.ceil(corners.max(0)).astype(int)
    patch = color[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if patch.size == 0:
        return view
    hi, lo = patch.max(axis=2).astype(np.int16), patch.min(axis=2).astype(np.int16)
    if float(np.mean((hi - lo > _OVERPRINT_SATURATION) & (hi > 100))) < _OVERPRINT_SHARE:
        return view
    ink = np.ascontiguousarray(color.max(axis=2))
    return cv2.warpPerspective(ink, np.linalg.inv(to_input), (view.shape[1], view.shape[0]), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def _classifier_alone(cell_reads: list[CellReads], today: dt.date, sure: float) -> tuple[MrzResult, float] | None:
    """The classifier's own reading of a zone (each field under its alphabet), when it needs no
    other: it parses with every check digit and the composite passing uncorrected (score 100),
    and the classifier is at least ``sure`` of every cell. None otherwise."""
    lines = _cells_fields_read(cell_reads)
    if lines is None:
        return None
    least = min(min(r.confidence) for r in lines)
    if least < sure:
        return None
    try:
        result = parse_mrz([r.text for r in lines], today=today)
    except MrzFormatError:
        return None
    if not result.valid or result.score < 100 or _shape_letters_among_digits(result):
        return None
    return result, float(np.mean([c for r in lines for c in r.confidence]))


def _shape_letters_among_digits(result: MrzResult) -> bool:
    """Whether a number field (the document number, the optional data) holds a letter shaped
    like a digit (O, I, B...) between two digits: two such slips can cancel in the check digit
    (KM0OO1977 for KM0001977), and only other reads tell
    (:func:`~idverify.documents.mrz.agreement.doubts`). A document number longer than nine
    characters (TD1, TD2: its check-digit cell is "<") is scanned as one with the optional data
    it continues into."""
    layout = LAYOUTS[result.format]
    spans = [(f.line, f.start, f.end) for f in layout.fields if f.alphabet is Alphabet.ALNUM]
    number = layout.field("document_number")
    line, cell = next(c.digit for c in layout.checks if c.name == "document_number")
    if result.lines[line][cell] == "<":
        spans.append((line, number.start, max(end for ln, start, end in spans if ln == line and start > cell)))
    return any(digit_shaped_letters(result.lines[ln], a, b) for ln, a, b in spans)


def _sound(result: MrzResult) -> bool:
    """Every check digit passes and every field is of its alphabet or code list (a country
    code of the list, a date that is a date): check digits alone pass one read in a hundred by
    chance (two of them)."""
    return result.valid and all(result.field_validity.values())


def _shifted(line: MrzLine, step: int) -> MrzLine:
    """``line``'s grid one cell further along (``step`` 1: the first cell dropped, one added
    after the last at the last pitch) or back (-1)."""
    c = line.centers
    if step > 0:
        centers = np.vstack([c[1:], c[-1:] + (c[-1] - c[-2])])
    else:
        centers = np.vstack([c[:1] - (c[1] - c[0]), c[:-1]])
    return MrzLine(centers, line.pitch, line.height)


def _shifted_zone(cells: CellClassifier, view: np.ndarray, zone: MrzZone, result: MrzResult,
                  cell_reads: list[CellReads], today: dt.date) -> MrzZone | None:
    """The zone with one line's grid a cell along or back, when the classifier's read of that
    line there makes the zone sound (:func:`_sound`; it is not as found); None
    otherwise. On a phone photo a speck before a line's first character, with the line's last
    filler lost, puts every character of the line one cell late (IIDUTOAM3267895 for
    IDUTOAM3267895): no per-character re-read mends that. Only lines a check digit covers are
    moved, and only the digits decide."""
    layout = LAYOUTS[result.format]
    checked = {ln for check in layout.checks for ln, _, _ in check.spans}
    width = view.shape[1]
    moves = [(li, line) for li in sorted(checked) for line in (_shifted(zone.lines[li], 1), _shifted(zone.lines[li], -1))
             if line.centers[:, 0].min() >= 0 and line.centers[:, 0].max() < width]
    if not moves:
        return None
    moved_reads = cells.read_lines(view, tuple(line for _, line in moves))  # one classifier run for all
    for (li, line), moved in zip(moves, moved_reads):
        trial = list(cell_reads)
        trial[li] = moved
        fields = _cells_fields_read(trial)
        if fields is None:
            continue
        texts = list(result.lines)
        texts[li] = fields[li].text
        try:
            cand = parse_mrz(texts, today=today)
        except MrzFormatError:
            continue
        if cand.format is result.format and _sound(cand):
            return replace(zone, lines=tuple(line if k == li else z for k, z in enumerate(zone.lines)))
    return None


def _read_zone(engine: TesseractEngine, view: np.ndarray, zone: MrzZone, today: dt.date,
               cells: CellClassifier | None, shift: bool = True) -> tuple[MrzResult, float, tuple[str, ...]] | None:
    """Read one located zone on ``view``: (result, mean confidence of the chosen lines (OCR's, or
    the classifier's probability when its reading is taken alone), fields in doubt), or None
    when no combination of reads parses. With ``shift``, a zone still not sound (:func:`_sound`)
    is read again with one line's grid a cell along or back where the classifier finds that
    this makes them pass (:func:`_shifted_zone`)."""
    cell_reads = cells.read_lines(view, zone.lines) if cells is not None else None
    small = min(line.height for line in zone.lines) < _SMALL_PX
    if cell_reads is not None and not small:
        # The classifier alone, when it reads every cell surely and every digit passes: on such
        # a zone Tesseract's reads changed no character and no doubt (benchmarks/RESULTS.md).
        alone = _classifier_alone(cell_reads, today, _ALONE_SURE)
        if alone is not None:
            return alone[0], alone[1], field_doubts(alone[0], cell_reads, today)
    reads = read_zone(engine, view, zone, _FIRST)
    if cell_reads is not None:
        reads["cells"] = _cells_fields_read(cell_reads) or _cells_read(cell_reads)
    best = _best(reads, today)
    # A second binarisation of the whole zone when a check digit asks for it (the score is
    # below 100), and also when the print is small (it slips on letters) or Tesseract was
    # unsure of a line: every line of every layout holds a field no digit checks (the name,
    # the issuing state; nationality and sex beside the digits), and only the two-of-three
    # vote catches a slip into another valid code there (AUT read AUS).
    unsure = min(float(np.mean(r.confidence)) for r in reads[_FIRST[0]]) < _SURE
    if best is None or best[0].score < 100 or small or unsure:
        reads.update(read_zone(engine, view, zone, _SECOND))
        reads["consensus"] = [consensus(list(rs)) for rs in zip(*reads.values())]
        best = _best(reads, today) or best
    if best is None:
        return None
    result = _vote(_splice(best[0], reads, today), reads, today, cell_reads)
    if not result.valid:
        # A check digit still fails: read the zone three more ways (local contrast,
        # sharpened, a larger scale) and let the digits choose again; every change
        # kept is one a check digit confirms (parse, splice, per-cell re-read).
        reads.update(read_zone(engine, view, zone, _THIRD))
        reads["consensus"] = [consensus(list(rs)) for rs in zip(*(v for k, v in reads.items() if k != "consensus"))]
        # No splice here: copying a whole field from whichever of seven reads passes
        # its digit is a guess the digit cannot tell from a confirmation.
        result = _cell_rereads(_line_swaps(result, reads, today), reads, today)
    if shift and cell_reads is not None and not _sound(result):
        moved = _shifted_zone(cells, view, zone, result, cell_reads, today)
        again = _read_zone(engine, view, moved, today, cells, shift=False) if moved is not None else None
        if again is not None and _sound(again[0]):
            return again
    result = settle(result, reads, today)
    if cells is None:
        found = doubts(result, reads)
    else:  # check-digit-confirmed re-reads, votes on name cells in doubt, doubts (ocrb_cells.py)
        result, found = second_opinion(cells, view, zone.lines, result, today, reads, cell_reads)
    return result, best[1], found


def read_mrz(engine: TesseractEngine, gray: np.ndarray, *, today: dt.date, max_side: int = 1600,
             color: np.ndarray | None = None, cells: CellClassifier | None = None,
             beside_glare: bool = False, on_zone: Callable[[np.ndarray, tuple[int, int], MrzZone], None] | None = None,
             ) -> MrzReading | None:
    """Find and read the MRZ on ``gray`` (uint8, any orientation); None when there is none.
    With ``color`` (the same image in RGB), a zone under coloured overprint is read on the
    ink alone (:func:`_ink_view`). With ``cells``, the OCR-B cell classifier gives its second
    opinion on the read (:func:`~idverify.documents.mrz.ocrb_cells.second_opinion`).
    ``beside_glare``: search only for zones a glare spot hides part of (:func:`_beside_glare`),
    the last resort once every view of every search found none that reads. ``on_zone`` is told
    of each zone found before it is read: (upright view -> ``gray``, the view's shape, the zone
    on it), so that the caller may start on that view meanwhile."""
    h, w = gray.shape
    scale = 1.0
    if max(h, w) > max_side:
        scale = max_side / max(h, w)
        gray = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        if color is not None:
            color = cv2.resize(color, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    unscale = np.diag([1 / scale, 1 / scale, 1.0])
    for rotation, upright, zone, to_input in (_beside_glare(gray) if beside_glare else _orient(gray)):
        if on_zone is not None:
            on_zone(unscale @ to_input, upright.shape, zone)
        view = _ink_view(color, upright, zone.box, to_input)
        got = _read_zone(engine, view, zone, today, cells)
        if got is None:
            continue
        result, conf, found = got
        return MrzReading(result, conf, zone.box, rotation, upright, unscale @ to_input, found, _obscured(result, zone))
    return None
