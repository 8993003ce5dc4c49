"""How far several reads of one MRZ agree, where the check digits cannot say. Pure: no I/O.

An MRZ is read several ways (binarisations, alphabets, templates; :mod:`~idverify.documents.mrz.ocr`)
and the reads are mixed line by line and field by field to make the digits pass. A digit
cannot tell a confirmation from a chance pass (one wrong text in ten passes it), and the name
and the codes have no digit at all; what the reads agree on can. Each binarisation has one
vote (its plain and field-alphabet reads see the same pixels):

    doubtful   check-digit corrections that are guesses (no read saw them, the reads outvote)
    settle     a field whose digit passes on two texts takes the one more reads saw
    doubts     the fields the reads do not bear out: the read may be wrong though it passes
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from idverify.documents.mrz.checkdigit import is_valid
from idverify.documents.mrz.countries import is_known_country, normalize_country
from idverify.documents.mrz.dates import parse_mrz_date
from idverify.documents.mrz.layout import LAYOUTS, Alphabet, Check
from idverify.documents.mrz.parse import DIGIT_TO_LETTER, LETTER_TO_DIGIT, MrzFormatError, MrzResult, parse_mrz

if TYPE_CHECKING:
    from idverify.documents.mrz.ocr import LineRead

__all__ = ["DOUBT", "NAME_VOTE_SURE", "NameDoubt", "Reads", "doubtful", "doubts", "name_doubts", "settle", "settle_name_cells"]

Reads = dict[str, list["LineRead"]]

#: Score points a doubtful correction costs (:func:`doubtful`): more than a failed digit, so
#: a combination whose digits pass only by a guess does not beat one that fails honestly.
DOUBT = 25


def doubtful(result: MrzResult, reads: Reads) -> int:
    """How many of the parse's check-digit corrections are guesses: a character no read saw
    at that cell, in a field where the reads outvote the result at another cell too. With
    several reads mixed line by line, some mix of slips and a one-character "correction"
    passes a digit and the composite by chance (one in ten each): a card's number read with
    two wrong characters, "confirmed"."""
    layout = LAYOUTS[result.format]
    voters = [lines for m, lines in reads.items() if m != "consensus"]
    n = 0
    for c in result.corrections:
        if c.reason == "alphabet" or any(lines[c.line].text[c.position] == c.new for lines in voters):
            continue
        check = next((k for k in layout.checks if k.name == c.reason), None)
        cells = [(ln, p) for ln, a, b in check.spans for p in range(a, b)] + [check.digit] if check else []
        for ln, p in cells:
            if (ln, p) == (c.line, c.position):
                continue
            seen = [lines[ln].text[p] for lines in voters]
            own = result.lines[ln][p]
            # The reads' majority, at least two of them, is another character of the same kind.
            # A tie for the most is no majority: chosen by a set's order, it made the read
            # depend on the process's string hashing.
            most = max(seen.count(ch) for ch in seen)
            top = [ch for ch in dict.fromkeys(seen) if seen.count(ch) == most]
            if most >= 2 and len(top) == 1 and top[0] != own and top[0].isdigit() == own.isdigit():
                n += 1
                break
    return n


#: Fields no check digit covers.
_UNCHECKED = ("document_type", "issuing_country", "nationality", "name", "sex")


def _as_field(alphabet: Alphabet, ch: str) -> str:
    """``ch`` as the parse reads it in a field of ``alphabet`` (a digit in a name is its
    look-alike letter, a letter in a date its look-alike digit)."""
    if alphabet is Alphabet.LETTERS:
        return DIGIT_TO_LETTER.get(ch, ch)
    if alphabet in (Alphabet.DIGITS, Alphabet.DATE):
        return LETTER_TO_DIGIT.get(ch, ch)
    return ch


def _weights(reads: Reads) -> list[tuple[float, list[LineRead]]]:
    """The reads that vote, each weighted so that every binarisation counts once (its plain
    and its field-alphabet reads see the same pixels, so their slips are not independent)."""
    groups: dict[str, int] = {}
    for m in reads:
        if m != "consensus":
            groups[m.partition(":")[0]] = groups.get(m.partition(":")[0], 0) + 1
    return [(1.0 / groups[m.partition(":")[0]], lines) for m, lines in reads.items() if m != "consensus"]


def _own_vote(reads: Reads, method: str, line: int, pos: int) -> float:
    """0 for the template's C, G, D or O where the Otsu read has the same letter: both were
    settled by one shape test on one binarisation (``ocr._fix_look_alikes``), so they are one
    vote, not two; else 1."""
    if method != "template" or "otsu" not in reads:
        return 1.0
    ch = reads[method][line].text[pos]
    return 0.0 if ch in "CGDO" and reads["otsu"][line].text[pos] == ch else 1.0


def _tesseract_saw(value: str, seen: list[str], methods: list[str]) -> bool:
    """Whether ``value`` counts as a dissent: a read other than the template's saw it, or the
    zone was hard enough to be read a second way. The OCR-B template matcher slips on letters
    (E as F, N as H) far more than Tesseract: on a page whose first read passed every digit
    in large print, its dissent alone sent clean pages to MRZ_UNCERTAIN; on a hard one it
    caught names Tesseract read wrong."""
    return len(methods) > 2 or any(v == value and m != "template" for v, m in zip(seen, methods))


def _tally(votes: list[tuple[float, str]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for w, v in votes:
        out[v] = out.get(v, 0.0) + w
    return out


def _as_code(name: str, text: str) -> str:
    """A document code as the parse repairs it: no identity-card code has O as its second
    letter ("IO" is "ID")."""
    return "ID" + text[2:] if name == "document_type" and text[:2] == "IO" else text


def _code_ok(name: str, text: str) -> bool:
    """Whether ``text`` is a value the code field ``name`` may hold."""
    if name in ("issuing_country", "nationality"):
        return is_known_country(normalize_country(text))
    if name == "document_type":
        return text[:1] in "PIACV" and text.replace("<", "").isalpha()
    return text in ("M", "F", "X", "<")


@dataclass(frozen=True)
class NameDoubt:
    """A name cell the reads do not agree on: what the result has there and what else the
    reads saw with as many votes (every binarisation one vote)."""

    line: int
    pos: int
    chosen: str
    #: The other characters read at the cell with at least the chosen one's votes.
    rivals: tuple[str, ...]

    @property
    def candidates(self) -> tuple[str, ...]:
        return (self.chosen, *self.rivals)


def name_doubts(result: MrzResult, reads: Reads) -> tuple[NameDoubt, ...]:
    """The name cells in doubt: another character has as many votes as the chosen one (and
    Tesseract, not the template alone, saw it: :func:`_tesseract_saw`). Empty with fewer than
    two binarisations' votes."""
    voters = _weights(reads)
    if sum(w for w, _ in voters) < 2:
        return ()
    f = LAYOUTS[result.format].field("name")
    methods = [m for m in reads if m != "consensus"]
    out = []
    for p in range(f.start, f.end):
        seen = [_as_field(f.alphabet, lines[f.line].text[p]) for _, lines in voters]
        votes = _tally([(w * _own_vote(reads, m, f.line, p), c) for (w, _), m, c in zip(voters, methods, seen)])
        chosen = result.lines[f.line][p]
        mine = votes.get(chosen, 0.0)
        rivals = tuple(sorted(c for c, v in votes.items()
                              if c != chosen and v >= max(mine, 0.5) and _tesseract_saw(c, seen, methods)))
        if rivals:
            out.append(NameDoubt(f.line, p, chosen, rivals))
    return tuple(out)


#: The classifier's probability at or above which its vote settles a name cell in doubt
#: (:func:`settle_name_cells`); measured in benchmarks/RESULTS.md (issue 16, name votes).
NAME_VOTE_SURE = 0.9


#: The probability from which the further reader confirms the chosen character of a name
#: cell in doubt, when it gives each rival less than :data:`NAME_CONFIRM_RATIO` of it. Measured
#: (benchmarks/RESULTS.md, branch phone): right letters on phone photos were confirmed at
#: 0.86-0.90; under a CANCELLED stamp the classifier gave a wrong T 0.65, which 0.5 let pass
#: with no reason.
NAME_CONFIRM_LEAN, NAME_CONFIRM_RATIO = 0.8, 0.1


def _confirms(ranked: Sequence[tuple[str, float]], rivals: Sequence[str]) -> bool:
    """``ranked``'s first symbol (the chosen one) at :data:`NAME_CONFIRM_LEAN` or more, each
    rival under :data:`NAME_CONFIRM_RATIO` of it (a rival not ranked has at most the last
    ranked probability)."""
    p = ranked[0][1]
    probs = dict(ranked)
    floor = ranked[-1][1] if len(ranked) > 1 else 0.0
    return p >= NAME_CONFIRM_LEAN and all(probs.get(r, floor) < NAME_CONFIRM_RATIO * p for r in rivals)


def settle_name_cells(name_cells: Sequence[NameDoubt], votes: Mapping[tuple[int, int], Sequence[tuple[str, float]]],
                      sure: float = NAME_VOTE_SURE, filler_swaps: bool = False) -> dict[tuple[int, int], str]:
    """The name cells in doubt a further reader settles, with the character it settles each
    on. ``votes``: per cell (line, position), that reader's symbols, most probable first, with
    their probabilities (0-1). A cell is settled only when the reader's first symbol has at
    least ``sure`` and is one of the candidates the reads saw there (the chosen character or a
    rival): a reader that is sure of a third letter, or unsure, leaves the doubt standing, and
    a vote never makes a letter no read saw. A vote that keeps the chosen character needs
    less (:func:`_confirms`): it changes nothing. Nor, unless ``filler_swaps``, does it turn a
    chosen letter into the filler ``<`` or a chosen filler into a letter: that ends a name part
    or joins two (the name's structure, not one letter), and on phone photos the filler cells
    the vote settled that way were wrong (benchmarks/RESULTS.md, issue 16). Pure."""
    out = {}
    for d in name_cells:
        ranked = votes.get((d.line, d.pos), ())
        if ranked and ranked[0][0] == d.chosen and _confirms(ranked, d.rivals):
            out[(d.line, d.pos)] = d.chosen
            continue
        if not ranked or ranked[0][1] < sure or ranked[0][0] not in d.candidates:
            continue
        if not filler_swaps and ranked[0][0] != d.chosen and "<" in (ranked[0][0], d.chosen):
            continue
        out[(d.line, d.pos)] = ranked[0][0]
    return out


def doubts(result: MrzResult, reads: Reads, settled: Collection[tuple[int, int]] = ()) -> tuple[str, ...]:
    """The fields of ``result`` the reads do not bear out, where no check digit can settle it.
    ``settled``: name cells (line, position) whose doubt another reader settled
    (:func:`settle_name_cells`); they cast none.

    Every binarisation has one vote (:func:`_weights`). The name is in doubt when, at one of
    its cells, another character has as many votes as the chosen one; a code (document type,
    states, sex) when another read gives another valid code with as many votes. A field whose
    digit passes is in doubt when at most one read saw it so and another read's different
    text passes that digit too, or when no read saw it so (a mix of lines or a correction),
    the reads disagree among themselves and it is not their cell-by-cell majority either: with several reads mixed, one passes by chance
    (one in ten), and the digit cannot tell which is right."""
    layout = LAYOUTS[result.format]
    voters = _weights(reads)
    if sum(w for w, _ in voters) < 2:
        return ()
    out = []
    for name in _UNCHECKED:
        f = layout.field(name)
        methods = [m for m in reads if m != "consensus"]
        if name == "name":
            if any((d.line, d.pos) not in settled for d in name_doubts(result, reads)):
                out.append(name)
            continue
        seen = [_as_code(name, "".join(_as_field(f.alphabet, ch) for ch in lines[f.line].text[f.start:f.end])) for _, lines in voters]
        votes = _tally([(w, t) for (w, _), t in zip(voters, seen)])
        mine_text = result.lines[f.line][f.start:f.end]
        mine = votes.get(mine_text, 0.0)
        if any(v >= max(mine, 0.5) and _code_ok(name, t) and _tesseract_saw(t, seen, methods)
               for t, v in votes.items() if t != mine_text):
            out.append(name)
    valid = {c.field: c.valid for c in result.checks}
    for check, mine_text, passing, votes in _checked_votes(result, voters):
        if not valid.get(check.name):
            continue
        mine = votes.get(mine_text, 0.0)
        # Another text passes as well, with as many reads; or no read saw this text at all (a
        # mix of lines, or a correction) while the reads disagree among themselves.
        # A single letter-for-digit correction of the reads' majority (O read for 0), which
        # the digit confirms while the majority fails it, is what the digit is for: no doubt.
        if (mine <= 1 and any(v >= mine for t, v in passing.items() if t != mine_text)) or (
                mine == 0 and len(votes) > 1 and not _every_cell_outvotes(mine_text, votes)
                and not _one_confusion_from_majority(mine_text, votes, passing)) or _letters_among_digits_pass(result, check, voters):
            out.append(check.name)
    return tuple(out)


#: The most cells :func:`_letters_among_digits_pass` tries swaps among (2**n - 1 sets of them).
_SWAP_CELLS = 6


def digit_shaped_letters(row: str, a: int, b: int) -> list[int]:
    """Positions in ``row[a:b]`` (a field with its own check digit) of letters shaped like a
    digit (:data:`LETTER_TO_DIGIT`: O, I, B...) with a digit before and after them in the field:
    slips a check digit may not see, since two of them can cancel (KM0OO1977 for KM0001977)."""
    return [p for p in range(a, b) if row[p] in LETTER_TO_DIGIT
            and any(c.isdigit() for c in row[a:p]) and any(c.isdigit() for c in row[p + 1:b])]


def _letters_among_digits_pass(result: MrzResult, check: Check, voters: list[tuple[float, list[LineRead]]]) -> bool:
    """Whether the field holds letters among its digits (a digit before and after) that a read
    saw as the digit of the same shape (O as 0), and swapping two or more of them back passes
    the field's digit and the composite too. One such swap always fails the digit (O and 0 are
    24 apart), but two can cancel (weights 7 and 3: 24 x 10): KM0OO1977 and KM0001977 both
    pass, and the digits cannot tell which the document holds."""
    ln, a, b = check.spans[0]
    row = result.lines[ln]
    swaps = []
    for p in digit_shaped_letters(row, a, b):
        digit = LETTER_TO_DIGIT[row[p]]
        if any(p < len(lines[ln].text) and lines[ln].text[p] == digit for _, lines in voters):
            swaps.append((p, digit))
    swaps = swaps[:_SWAP_CELLS]
    for mask in range(1, 1 << len(swaps)):
        if mask & (mask - 1) == 0:
            continue  # one swap: the digit always tells
        chars = list(row)
        for k, (p, digit) in enumerate(swaps):
            if mask >> k & 1:
                chars[p] = digit
        lines = list(result.lines)
        lines[ln] = "".join(chars)
        try:
            cand = parse_mrz(lines, today=dt.date(2000, 1, 1), correct=False)
        except MrzFormatError:
            continue
        if all(c.valid for c in cand.checks if c.field in (check.name, "composite")):
            return True
    return False


def _one_confusion_from_majority(text: str, votes: dict[str, float], passing: dict[str, float]) -> bool:
    """Whether ``text`` is the reads' cell-by-cell majority but for one cell, where the
    majority has a letter and ``text`` the digit of the same shape (or the other way round),
    and no read text passes the digit: the single correction the check digit confirms."""
    if passing:
        return False
    majority = ""
    for i in range(len(text)):
        cell = _tally([(v, t[i]) for t, v in votes.items() if len(t) == len(text)])
        if not cell:
            return False
        majority += max(cell, key=lambda c: cell[c])
    diff = [(a, b) for a, b in zip(majority, text, strict=True) if a != b]
    return len(diff) == 1 and (LETTER_TO_DIGIT.get(diff[0][0]) == diff[0][1] or LETTER_TO_DIGIT.get(diff[0][1]) == diff[0][0])


def _every_cell_outvotes(text: str, votes: dict[str, float]) -> bool:
    """Whether every character of ``text`` has at least as many votes at its cell as any
    other character there (the reads' consensus, though no read saw the whole of it)."""
    for i, ch in enumerate(text):
        cell = _tally([(v, t[i]) for t, v in votes.items()])
        if cell.get(ch, 0.0) < max(cell.values()):
            return False
    return True


def _checked_votes(result: MrzResult, voters: list[tuple[float, list[LineRead]]]) -> Iterator[tuple[Check, str, dict[str, float], dict[str, float]]]:
    """Per field with its own check digit (one span ending at the digit): the check, the
    result's text of it (digit included), the votes for each read text that passes the digit
    (and, for a date, is a date), and the votes for every read text."""
    layout = LAYOUTS[result.format]
    for check in layout.checks:
        if check.name == "composite" or len(check.spans) != 1:
            continue
        ln, a, b = check.spans[0]
        if check.digit != (ln, b):
            continue
        if check.name == "document_number" and result.lines[ln][b] == "<":
            continue  # a long document number continued in the optional data: left to the parse
        alphabet = next(f.alphabet for f in layout.fields if f.line == ln and f.start <= a < f.end)
        votes = _tally([(w, "".join(_as_field(alphabet if p < b else Alphabet.DIGITS, lines[ln].text[p]) for p in range(a, b + 1)))
                        for w, lines in voters])
        kind = {"birth_date": "birth", "expiry_date": "expiry"}.get(check.name)
        passing = {t: v for t, v in votes.items() if is_valid(t[:-1], t[-1])
                   and (kind is None or parse_mrz_date(t[:-1], kind, dt.date(2000, 1, 1)).valid)}
        yield check, result.lines[ln][a:b + 1], passing, votes


def settle(result: MrzResult, reads: Reads, today: dt.date) -> MrzResult:
    """A field whose digit passes on a text no more than one read saw, where one other text
    that passes it has more votes (every binarisation one vote): take that text. The digit
    confirms both; the reads prefer one (a mixed line "confirmed" by chance loses to the
    read that saw the field whole)."""
    voters = _weights(reads)
    best = result
    for check, mine_text, passing, _ in _checked_votes(result, voters):
        mine = passing.get(mine_text, 0.0)
        ranked = sorted(((v, t) for t, v in passing.items() if t != mine_text), reverse=True)
        if mine > 1 or not ranked or ranked[0][0] <= mine or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
            continue
        ln, a, b = check.spans[0]
        rows = list(best.lines)
        rows[ln] = rows[ln][:a] + ranked[0][1] + rows[ln][b + 1:]
        try:
            cand = parse_mrz(rows, today=today)
        except MrzFormatError:
            continue
        ok = {c.field: c.valid for c in cand.checks}
        if cand.format is best.format and ok.get(check.name) and ok.get("composite", True) >= {c.field: c.valid for c in best.checks}.get("composite", True):
            best = cand
    return best
