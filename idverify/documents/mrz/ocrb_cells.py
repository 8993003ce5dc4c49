"""The project's own OCR-B classifier for MRZ character cells (issue 16, item 2).

The MRZ is printed in one font at a fixed pitch, so every character sits in a cell of the grid
:mod:`~idverify.documents.mrz.locate` fits. A small convolutional network, trained only on
cells cut the same way from documents the project renders and photographs itself
(``scripts/build-ocrb-model.sh``; how the committed model was made is in ``ocrb_cells.txt``),
gives each cell a probability for each of the 37 MRZ symbols. onnxruntime runs it on the CPU
(one thread; the 88 cells of a passport take a few milliseconds).

Tesseract stays the first reader; the classifier is a second opinion in two places:

* :func:`reread_failed_digits`: at the cells a failing check digit covers, try the
  classifier's confident alternatives, one cell at a time, and keep a change only when the
  check digit then passes and no other single change also does (the digit must confirm it).
* :func:`field_doubts`: the name has no check digit, and some slips (G read 6) leave a digit
  passing; the fields where the classifier is sure of another symbol that no digit rules out
  are reported, so that the caller can say the field may be misread (MRZ_UNCERTAIN) instead
  of returning it as certain; and a field whose digit passes is doubted where the classifier
  contradicts two of its cells, or one when at most one read saw the field so
  (:func:`thinly_read`): a digit rules out one slip, not two that cancel.

Nothing is downloaded: the model ships in the package; a missing or broken model file raises
:class:`~idverify.errors.Unavailable` when the classifier is built (start-up), not per read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from idverify.documents.mrz import LAYOUTS, MrzFormatError, MrzResult, parse_mrz, with_symbol
from idverify.documents.mrz.agreement import NAME_VOTE_SURE, Reads, doubts, name_doubts, settle_name_cells
from idverify.documents.mrz.locate import MrzLine
from idverify.documents.mrz.ocr import CELL_H, CELL_W, cell_strip
from idverify.errors import Unavailable

__all__ = ["MODEL_PATH", "SYMBOLS", "CellClassifier", "CellReads", "cell_images", "field_doubts", "reread_failed_digits", "second_opinion", "settle_names", "thinly_read"]

#: The 37 MRZ symbols, in the order of the model's outputs.
SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
#: The model committed with the package (how it was made: ``ocrb_cells.txt`` beside it).
MODEL_PATH = Path(__file__).with_name("ocrb_cells.onnx")
#: Probability above which the classifier's symbol counts as sure (a field doubt, a re-read).
SURE = 0.9
#: Probability from which the classifier's other letter at a name cell is a doubt, when it is
#: also at least twice the read letter's: a name has no check digit, so the two-of-three vote of
#: Tesseract's reads can outvote a better reader there (benchmarks/RESULTS.md, issue 16).
NAME_DOUBT = 0.6
#: The fields a doubt is reported on: what identifies the holder and the document. Optional
#: data (national numbers, a visa's notes) decides nothing here, and on a real US visa the
#: classifier doubted it while the read was right.
_DOUBTED = frozenset({"document_type", "issuing_country", "name", "document_number", "nationality", "birth_date", "sex",
                      "expiry_date"})
#: The classifier's probability of its own symbol at a cell from which it contradicts the read
#: one there, when it gives the read symbol less than a tenth of that (:func:`_contradicted`).
CONTRADICTS = 0.5


def cell_images(gray: np.ndarray, line: MrzLine) -> np.ndarray:
    """The line's cells as the model takes them: (N, 1, CELL_H, CELL_W) float32, each cell
    standardised (zero mean, unit spread), so that paper brightness and contrast drop out."""
    strip = cell_strip(gray, line).astype(np.float32)
    cells = strip.reshape(CELL_H, line.length, CELL_W).transpose(1, 0, 2)
    mean = cells.mean(axis=(1, 2), keepdims=True)
    std = cells.std(axis=(1, 2), keepdims=True)
    return ((cells - mean) / np.maximum(std, 4.0))[:, None].astype(np.float32)


@dataclass(frozen=True)
class CellReads:
    """The classifier's reading of one line: per cell, the probability of every symbol."""

    probs: np.ndarray  # (N, 37), rows sum to 1

    @property
    def text(self) -> str:
        """The most probable symbol of every cell."""
        return "".join(SYMBOLS[i] for i in self.probs.argmax(1))

    def top(self, pos: int, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most probable symbols at cell ``pos``, with their probabilities."""
        order = np.argsort(-self.probs[pos])[:k]
        return [(SYMBOLS[i], float(self.probs[pos, i])) for i in order]

    def prob(self, pos: int, symbol: str) -> float:
        return float(self.probs[pos, SYMBOLS.index(symbol)])


class CellClassifier:
    """The OCR-B cell model in an onnxruntime session, built once at start-up and passed in."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        try:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors for a bad file
            raise Unavailable(f"the OCR-B cell model could not be loaded from {path}: {exc}") from exc
        self._input = self._session.get_inputs()[0].name

    def classify(self, cells: np.ndarray) -> np.ndarray:
        """Probabilities (N, 37) for cells shaped as :func:`cell_images` makes them."""
        if len(cells) == 0:
            return np.zeros((0, len(SYMBOLS)), np.float32)
        logits = self._session.run(None, {self._input: np.ascontiguousarray(cells, np.float32)})[0]
        logits = logits - logits.max(1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(1, keepdims=True)

    def read_lines(self, gray: np.ndarray, lines: tuple[MrzLine, ...]) -> list[CellReads]:
        """Every line of a located zone, classified in one batch."""
        batches = [cell_images(gray, line) for line in lines]
        probs = self.classify(np.concatenate(batches)) if batches else np.zeros((0, len(SYMBOLS)))
        out, at = [], 0
        for b in batches:
            out.append(CellReads(probs[at:at + len(b)]))
            at += len(b)
        return out


def _valid(result: MrzResult) -> dict[str, bool]:
    return {c.field: c.valid for c in result.checks}


def reread_failed_digits(result: MrzResult, reads: list[CellReads], today: dt.date) -> MrzResult:
    """Per failing check digit, the classifier's re-read of the cells it covers.

    At each such cell whose classifier symbol differs from the one read (and is sure enough,
    :data:`SURE` halved: the digit is the judge here), the change is tried alone; a change is
    kept only when that check digit then passes, the composite too where there is one and the
    digit cell itself was changed, the parse score rises, and no other single change passes
    (two passing changes would be a guess: one in ten random changes passes a digit). When no
    single change passes, the classifier's sure reading of all those cells together is tried
    as one more hypothesis, under the same conditions. Filler
    cells are neither changed nor made: a filler moves field boundaries."""
    layout = LAYOUTS[result.format]
    best = result
    has_composite = any(c.name == "composite" for c in layout.checks)
    for check in layout.checks:
        if _valid(best).get(check.name, True):
            continue
        cells = [(ln, p) for ln, a, b in check.spans for p in range(a, b)]
        # The digit itself only where the composite also covers it: a slip "confirmed" by
        # re-reading its own check digit confirms nothing.
        if check.name != "composite" and has_composite:
            cells.append(check.digit)
        passing = []
        for ln, p in cells:
            if ln >= len(reads) or p >= len(reads[ln].probs):
                continue
            old = best.lines[ln][p]
            if old == "<":
                continue
            for alt, pr in reads[ln].top(p, 2):
                if alt in (old, "<") or pr < SURE / 2:
                    continue
                cand = with_symbol(best, ln, p, alt, today=today)
                if cand is None:
                    continue
                ok = _valid(cand).get(check.name, False) and ((ln, p) != check.digit or _valid(cand).get("composite", False))
                if ok and cand.format is best.format and cand.score > best.score:
                    passing.append(cand)
        if not passing:
            # Several slips under one digit: the classifier's own reading of every cell it is
            # sure of, taken together, is still one hypothesis for the digit to confirm.
            rows = [list(x) for x in best.lines]
            for ln, p in cells:
                if ln < len(reads) and p < len(reads[ln].probs) and rows[ln][p] != "<":
                    sym, pr = reads[ln].top(p, 1)[0]
                    if sym != "<" and pr >= SURE:
                        rows[ln][p] = sym
            try:
                cand = parse_mrz(["".join(r) for r in rows], today=today)
                if (_valid(cand).get(check.name, False) and (check.digit not in cells or _valid(cand).get("composite", False))
                        and cand.format is best.format and cand.score > best.score):
                    passing.append(cand)
            except MrzFormatError:
                pass
        if len({c.lines for c in passing}) == 1:
            best = passing[0]
    return best


def _checked_cells(result: MrzResult) -> dict[str, list[tuple[int, int]]]:
    """Per field of :data:`_DOUBTED` whose own check digit passes: its cells, the digit's included."""
    layout = LAYOUTS[result.format]
    valid = {name for name, ok in _valid(result).items() if ok}
    out = {}
    for f in layout.fields:
        if f.name in _DOUBTED and f.name in valid:
            digit = next((c.digit for c in layout.checks if c.name == f.name), None)
            out[f.name] = [(f.line, p) for p in range(f.start, f.end)] + ([digit] if digit is not None else [])
    return out


def thinly_read(result: MrzResult, reads: list[CellReads], tesseract: Reads) -> tuple[str, ...]:
    """The fields whose digit passes on a text that at most one read saw (``tesseract``: the
    reads by method, their consensus not counted) while the classifier is sure
    (:data:`SURE`) of another symbol at one of its cells. With five reads of a blurred line
    one passes a digit by chance four times in ten; where the better reader rejects one of its
    characters, the passing digit is that chance more likely than a confirmation (the template
    read KMOOO19T7 for KM0001977 on a phone photo, O for 0 three times and T for 7, its digit
    passing, the classifier reading 7 at 0.91)."""
    out = []
    for name, cells in _checked_cells(result).items():
        text = [result.lines[ln][p] for ln, p in cells]
        seen = sum(1 for m, lines in tesseract.items() if m != "consensus"
                   and all(ln < len(lines) and p < len(lines[ln].text) and lines[ln].text[p] == c
                           for (ln, p), c in zip(cells, text)))
        if seen <= 1 and _contradicted(result, reads, cells, SURE) >= 1:
            out.append(name)
    return tuple(out)


def field_doubts(result: MrzResult, reads: list[CellReads], today: dt.date) -> tuple[str, ...]:
    """The fields the classifier casts doubt on: it is sure (:data:`SURE`) of another symbol
    at a cell than the one read, and no check digit tells the two apart, because the field has
    none (the name, the codes, the sex) or because its digit passes either way (G and 6, or A
    and 0, have the same value modulo 10). Where the digit passes only with the read symbol,
    the digit backs the read against one slip; a field whose digit passes is still doubted
    where the classifier contradicts two of its cells, the digit's own included
    (:func:`_contradicted`). Only the fields in :data:`_DOUBTED`. Reported, never corrected."""
    layout = LAYOUTS[result.format]
    valid = {name for name, ok in _valid(result).items() if ok}
    checked = _checked_cells(result)
    out: list[str] = []
    for f in layout.fields:
        if f.name in out or f.name not in _DOUBTED or f.line >= len(reads):
            continue
        if f.name in checked:
            if _contradicted(result, reads, checked[f.name]) >= 2:
                out.append(f.name)
                continue
        line, r = result.lines[f.line], reads[f.line]
        for p in range(f.start, min(f.end, len(line), len(r.probs))):
            sym, pr = r.top(p, 1)[0]
            if sym == line[p]:
                continue
            if f.name == "name":  # no digit at all: a likelier other letter is doubt enough
                if pr < NAME_DOUBT or pr < 2 * r.prob(p, line[p]):
                    continue
            elif pr < SURE or r.prob(p, line[p]) >= 1 - SURE:
                continue
            rows = [list(x) for x in result.lines]
            rows[f.line][p] = sym
            try:
                swapped = parse_mrz(["".join(x) for x in rows], today=today, correct=False)
            except MrzFormatError:
                continue
            if valid <= {name for name, ok in _valid(swapped).items() if ok}:
                out.append(f.name)
                break
    return tuple(out)


def _contradicted(result: MrzResult, reads: list[CellReads], cells: list[tuple[int, int]], least: float = CONTRADICTS) -> int:
    """How many of the (line, position) ``cells`` of ``result`` the classifier reads as another
    symbol with at least :data:`CONTRADICTS`, giving the read one less than a tenth of that. A
    check digit rules out one slip in its field, not two: two slips pass it together one time in
    ten (Tesseract's HUGTT0972 for XU4110972 on a blurred phone photo passed its digit while
    the classifier read X, 4, 1, 1 at four of its cells), so a field the classifier contradicts
    at two cells is not backed by its passing digit. ``least``: the probability from which the
    classifier's symbol counts."""
    count = 0
    for line, p in cells:
        if line >= len(reads) or p >= len(reads[line].probs) or p >= len(result.lines[line]):
            continue
        r, read = reads[line], result.lines[line][p]
        sym, pr = r.top(p, 1)[0]
        if sym != read and pr >= least and r.prob(p, read) < pr / 10:
            count += 1
    return count


def settle_names(result: MrzResult, reads: list[CellReads], tesseract: Reads, today: dt.date,
                 sure: float = NAME_VOTE_SURE) -> tuple[MrzResult, dict[tuple[int, int], str]]:
    """The name cells the Tesseract reads disagree on (:func:`~idverify.documents.mrz.agreement.name_doubts`)
    that the classifier settles (:func:`~idverify.documents.mrz.agreement.settle_name_cells`):
    the result with those cells set to its vote, and the cells settled. A change that leaves
    the lines fitting another layout, or passing fewer check digits, is not made and its cell
    not settled (a name letter moves no digit; a filler made or removed could)."""
    cells = name_doubts(result, tesseract)
    votes = {(d.line, d.pos): reads[d.line].top(d.pos, 2) for d in cells
             if d.line < len(reads) and d.pos < len(reads[d.line].probs)}
    settled = {}
    for (ln, p), sym in settle_name_cells(cells, votes, sure).items():
        if sym == result.lines[ln][p]:
            settled[(ln, p)] = sym
            continue
        cand = with_symbol(result, ln, p, sym, today=today)
        if cand is not None and cand.format is result.format and set(_passing(result)) <= set(_passing(cand)):
            result = cand
            settled[(ln, p)] = sym
    return result, settled


def _passing(result: MrzResult) -> list[str]:
    return [name for name, ok in _valid(result).items() if ok]


def second_opinion(classifier: CellClassifier, view: np.ndarray, lines: tuple[MrzLine, ...], result: MrzResult,
                   today: dt.date, tesseract: Reads | None = None,
                   cell_reads: list[CellReads] | None = None) -> tuple[MrzResult, tuple[str, ...]]:
    """The classifier's part in reading one zone (``view``: the upright grey image the lines
    were found on): the result, with check-digit-confirmed re-reads when a digit fails and,
    given the Tesseract reads (``tesseract``), the name cells they disagree on settled where
    the classifier is sure of one of their readings (:func:`settle_names`); and the fields in
    doubt: those the classifier doubts (:func:`field_doubts`) and, given ``tesseract``, those
    the reads do not bear out, less the settled name cells
    (:func:`~idverify.documents.mrz.agreement.doubts`). ``cell_reads``: the classifier's reading
    of these lines on this view when the caller already made it (it is not made again)."""
    if [line.length for line in lines] != [len(x) for x in result.lines]:
        return result, (doubts(result, tesseract) if tesseract is not None else ())
    reads = cell_reads if cell_reads is not None else classifier.read_lines(view, lines)
    if not result.valid:
        result = reread_failed_digits(result, reads, today)
    if tesseract is None:
        return result, field_doubts(result, reads, today)
    result, settled = settle_names(result, reads, tesseract, today)
    return result, tuple(dict.fromkeys((*doubts(result, tesseract, settled), *field_doubts(result, reads, today),
                                        *thinly_read(result, reads, tesseract))))
