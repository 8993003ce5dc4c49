"""Parse and validate an ICAO 9303 machine-readable zone, correcting OCR slips. Pure: no I/O.

Three steps, each small and separately tested:

1. **Alphabet coercion.** A character that the field's alphabet forbids is replaced by its
   look-alike: a letter in a date or check digit becomes a digit (O -> 0, I -> 1, B -> 8, ...),
   a digit in a name or country code becomes a letter (0 -> O, 5 -> S, ...), a ``K`` standing
   among fillers becomes ``<`` (Tesseract's favourite misread of the filler).
2. **Check-digit-guided correction.** Where a check digit fails, single and then double
   substitutions of confusable characters (O/0, D/0, I/1, B/8, S/5, Z/2, G/6, A/4, K/<, ...)
   are tried on the protected characters and on the digit itself, each only where the field's
   alphabet allows the new character. A correction is accepted only when it makes the check
   digit valid and no other candidate of the same size does (the composite digit breaks ties).
3. **Extraction and scoring.** Fields are split out (names into surname and given names,
   fillers removed, truncation flagged), dates get their century, countries are checked, and
   a 0-100 score summarises the validity.

A weak read is a result with a low score, not an exception: :func:`parse_mrz` raises
:class:`MrzFormatError` only when the line count and lengths fit no layout at all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from idverify.documents.mrz.checkdigit import ALPHABET, check_digit, is_valid
from idverify.documents.mrz.countries import is_known_country, normalize_country
from idverify.documents.mrz.dates import MrzDate, parse_mrz_date
from idverify.documents.mrz.layout import LAYOUTS, Alphabet, Check, Layout, MrzFormat, detect_format

__all__ = [
    "DIGIT_TO_LETTER",
    "LETTER_TO_DIGIT",
    "CheckResult",
    "Correction",
    "MrzFormatError",
    "MrzResult",
    "normalize_lines",
    "parse_mrz",
    "with_symbol",
]


class MrzFormatError(ValueError):
    """The lines fit no MRZ layout (wrong number of lines or wrong lengths)."""


@dataclass(frozen=True)
class CheckResult:
    """One check digit after correction."""

    #: "document_number", "birth_date", "expiry_date", "optional_data" or "composite".
    field: str
    valid: bool
    #: The digit as it stands after correction.
    read: str
    #: The digit computed from the protected characters ("?" when they hold illegal ones).
    computed: str
    #: True when a correction was needed to make this digit valid.
    corrected: bool


@dataclass(frozen=True)
class Correction:
    """One character changed: where, from what, to what and why."""

    line: int
    position: int
    old: str
    new: str
    #: "alphabet" (the field forbids the old character) or the check digit that guided it.
    reason: str


@dataclass(frozen=True)
class MrzResult:
    """A parsed MRZ with its fields, check digits, corrections and score."""

    format: MrzFormat
    #: The lines after correction.
    lines: tuple[str, ...]
    #: The lines as given (upper-cased, spaces removed).
    raw_lines: tuple[str, ...]
    document_type: str
    issuing_country: str
    surname: str
    given_names: str
    name_truncated: bool
    document_number: str
    nationality: str
    birth_date: MrzDate
    expiry_date: MrzDate
    #: "M", "F" or "X" (the filler "<" means unspecified and is reported as "X"); "" if unreadable.
    sex: str
    #: Optional data field(s), fillers stripped; TD1's two fields joined with a space.
    optional_data: str
    checks: tuple[CheckResult, ...]
    corrections: tuple[Correction, ...]
    #: Validity per field: document_type, issuing_country, nationality, name, document_number,
    #: birth_date, expiry_date, sex, optional_data.
    field_validity: dict[str, bool] = field(default_factory=dict)
    #: 0-100; 100 means every check digit and field valid with no correction.
    score: int = 0

    @property
    def valid(self) -> bool:
        """True when every check digit is valid."""
        return all(c.valid for c in self.checks)


# ---------------------------------------------------------------------------------------------
# Look-alikes. Tesseract on OCR-B confuses these; the tables are directional by target alphabet.

LETTER_TO_DIGIT = {
    "O": "0", "D": "0", "Q": "0", "U": "0", "C": "0",
    "I": "1", "L": "1", "T": "7", "J": "1",
    "Z": "2", "S": "5", "G": "6", "B": "8", "A": "4", "E": "8", "Y": "4",
}
DIGIT_TO_LETTER = {
    "0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A", "7": "T", "3": "B",
}
# Substitutions tried under a failing check digit (both directions, alnum fields).
_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "0": ("O", "D", "Q", "8"), "O": ("0", "D", "Q"), "D": ("0", "O"), "Q": ("0", "O"),
    "1": ("I", "7", "L"), "I": ("1", "L"), "L": ("1", "I"), "7": ("1", "T"), "T": ("7",),
    "2": ("Z",), "Z": ("2",), "5": ("S", "6"), "S": ("5",), "6": ("G", "5", "8"), "G": ("6",),
    "8": ("B", "3", "6", "0"), "B": ("8",), "3": ("8",), "4": ("A",), "A": ("4",),
    "K": ("<",), "<": ("K",), "X": ("K",), "M": ("N",), "N": ("M",), "U": ("0", "V"), "V": ("U",),
}
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _allowed(alphabet: Alphabet, ch: str) -> bool:
    if alphabet is Alphabet.DIGITS:
        return ch in _DIGITS or ch == "<"
    if alphabet is Alphabet.DATE:
        return ch in _DIGITS or ch in "<X"
    if alphabet is Alphabet.LETTERS:
        return ch in _LETTERS or ch == "<"
    if alphabet is Alphabet.SEX:
        return ch in "MFX<"
    return ch in ALPHABET


def normalize_lines(lines: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Upper-case the lines and drop spaces; map filler look-alikes (« ‹ and the like) to ``<``."""
    table = str.maketrans({"«": "<<", "‹": "<", "〈": "<", "＜": "<", "≤": "<"})
    out = []
    for line in lines:
        line = "".join(line.split()).upper().translate(table)
        out.append(line)
    return tuple(out)


class _Grid:
    """The MRZ as mutable lines, with a log of every change."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.rows = [list(line) for line in lines]
        self.corrections: list[Correction] = []

    def get(self, line: int, start: int, end: int) -> str:
        return "".join(self.rows[line][start:end])

    def set(self, line: int, pos: int, new: str, reason: str) -> None:
        old = self.rows[line][pos]
        if old != new:
            self.rows[line][pos] = new
            self.corrections.append(Correction(line, pos, old, new, reason))

    def lines(self) -> tuple[str, ...]:
        return tuple("".join(r) for r in self.rows)


def _alphabet_map(layout: Layout) -> dict[tuple[int, int], Alphabet]:
    out = {}
    for f in layout.fields:
        for pos in range(f.start, f.end):
            out[(f.line, pos)] = f.alphabet
    return out


def _coerce(grid: _Grid, layout: Layout) -> None:
    for f in layout.fields:
        text = grid.get(f.line, f.start, f.end)
        if f.alphabet is Alphabet.DATE:
            for pair in range(0, 6, 2):
                chunk = text[pair:pair + 2]
                unknown_ok = pair > 0 and set(chunk) <= {"<", "K"} and "<" in chunk or chunk == "KK"
                for k, ch in enumerate(chunk):
                    pos = f.start + pair + k
                    if unknown_ok and pair > 0 and ch == "K":
                        grid.set(f.line, pos, "<", "alphabet")
                    elif ch in LETTER_TO_DIGIT and chunk != "XX":
                        grid.set(f.line, pos, LETTER_TO_DIGIT[ch], "alphabet")
        elif f.alphabet is Alphabet.DIGITS:
            for k, ch in enumerate(text):
                if ch == "K":
                    grid.set(f.line, f.start + k, "<", "alphabet")
                elif ch in LETTER_TO_DIGIT:
                    grid.set(f.line, f.start + k, LETTER_TO_DIGIT[ch], "alphabet")
        elif f.alphabet is Alphabet.LETTERS:
            for k, ch in enumerate(text):
                if ch in DIGIT_TO_LETTER:
                    grid.set(f.line, f.start + k, DIGIT_TO_LETTER[ch], "alphabet")
            _fillers(grid, f.line, f.start, f.end)
        elif f.alphabet is Alphabet.ALNUM:
            _fillers(grid, f.line, f.start, f.end, field_start_is_filler=False)
        elif f.alphabet is Alphabet.SEX:
            if text == "K":
                grid.set(f.line, f.start, "<", "alphabet")
            elif text == "H" or text == "N":
                grid.set(f.line, f.start, "M", "alphabet")
            elif text in ("E", "P"):
                grid.set(f.line, f.start, "F", "alphabet")


def _fillers(grid: _Grid, line: int, start: int, end: int, *, field_start_is_filler: bool = True) -> None:
    """Turn a ``K`` that stands among fillers into ``<``.

    No name holds ``KKK``: in a run of three or more Ks every K but a first one that follows a
    letter is a filler. Then, scanning left to right, a K is a filler when the character before
    it is a filler (or it starts the field) and the one after it is a filler, a K or the end of
    the field, so a run of misread fillers converts as a whole while ``<<KAREN`` keeps its K.
    """
    row = grid.rows[line]
    text = "".join(row[start:end])
    for m in re.finditer(r"K{3,}", text):
        first = m.start() + (1 if m.start() > 0 and text[m.start() - 1] != "<" else 0)
        for pos in range(start + first, start + m.end()):
            grid.set(line, pos, "<", "alphabet")
    for pos in range(start, end):
        if row[pos] != "K":
            continue
        # A name field starts like a fresh word; a number may well start with K ("KK6725121").
        if pos > start:
            prev = row[pos - 1]
        else:
            prev = "<" if field_start_is_filler else "^"
        nxt = row[pos + 1] if pos + 1 < end else "<"
        if prev == "<" and nxt in "<K":
            grid.set(line, pos, "<", "alphabet")


# ---------------------------------------------------------------------------------------------
# Check digits

def _check_spans(check: Check, grid: _Grid, layout: Layout) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """The (line, pos) cells a check protects and the digit's cell, honouring long numbers."""
    cells = [(ln, p) for ln, s, e in check.spans for p in range(s, e)]
    digit = check.digit
    if check.name == "document_number" and layout.format in (MrzFormat.TD1, MrzFormat.TD2):
        ext = _long_number_extension(grid, layout)
        if ext is not None:
            (ln, first, last) = ext
            cells = cells + [(ln, p) for p in range(first, last)]
            digit = (ln, last)
    return cells, digit


def _long_number_extension(grid: _Grid, layout: Layout) -> tuple[int, int, int] | None:
    """For a document number longer than 9 characters (TD1/TD2): the check-digit cell is ``<``
    and the number continues in the optional data, its last character the check digit."""
    f = layout.field("document_number_check")
    if grid.rows[f.line][f.start] != "<":
        return None
    opt = layout.field("optional_data_1" if layout.format is MrzFormat.TD1 else "optional_data")
    text = grid.get(opt.line, opt.start, opt.end)
    n = text.find("<")
    if n <= 0:
        return None if n < 0 else None
    if n < 2 and layout.format is MrzFormat.TD1:
        return None
    return (opt.line, opt.start, opt.start + n - 1)


def _evaluate(check: Check, grid: _Grid, layout: Layout) -> tuple[bool, str, str]:
    cells, (dl, dp) = _check_spans(check, grid, layout)
    data = "".join(grid.rows[ln][p] for ln, p in cells)
    digit = grid.rows[dl][dp]
    return is_valid(data, digit, empty_filler_ok=check.empty_filler_ok), digit, check_digit(data)


def _candidates(cells: list[tuple[int, int]], grid: _Grid, alphabets: dict[tuple[int, int], Alphabet], max_changes: int):
    options = []
    for cell in cells:
        ch = grid.rows[cell[0]][cell[1]]
        alts = [a for a in _CONFUSIONS.get(ch, ()) if _allowed(alphabets[cell], a)]
        if alts:
            options.append((cell, alts))
    for k in range(1, max_changes + 1):
        found = []
        for combo in itertools.combinations(options, k):
            for choice in itertools.product(*(alts for _, alts in combo)):
                found.append(tuple((cell, new) for (cell, _), new in zip(combo, choice)))
        yield k, found


def _cost(old: str, new: str) -> int:
    """How unlikely a substitution is: a letter read for a digit is the usual slip (numbers
    hold more digits than letters), then a digit read for a letter and K for the filler."""
    if old not in _DIGITS and new in _DIGITS and old != "<":
        return 1
    if old in _DIGITS and new not in _DIGITS and new != "<":
        return 2
    if {old, new} == {"K", "<"}:
        return 1
    return 3


def _plausible(grid: _Grid, layout: Layout, check: Check) -> bool:
    """A date check's correction must also leave a real calendar date."""
    if check.name in ("birth_date", "expiry_date"):
        f = layout.field(check.name)
        kind = "birth" if check.name == "birth_date" else "expiry"
        return parse_mrz_date(grid.get(f.line, f.start, f.end), kind, dt.date(2000, 1, 1)).valid or \
            parse_mrz_date(grid.get(f.line, f.start, f.end), kind, dt.date(2099, 1, 1)).valid
    return True


def _correct(check: Check, grid: _Grid, layout: Layout, alphabets: dict, locked: set, max_changes: int = 2) -> bool:
    """Try to make ``check`` valid; True when a unique correction was applied."""
    cells, digit_cell = _check_spans(check, grid, layout)
    cells = [c for c in cells + [digit_cell] if c not in locked]
    composite = next((c for c in layout.checks if c.name == "composite"), None)
    for _, combos in _candidates(cells, grid, alphabets, max_changes):
        winners = []
        for combo in combos:
            saved = [(cell, grid.rows[cell[0]][cell[1]]) for cell, _ in combo]
            for (ln, p), new in combo:
                grid.rows[ln][p] = new
            if _evaluate(check, grid, layout)[0] and _plausible(grid, layout, check):
                comp_ok = composite is not None and check is not composite and _evaluate(composite, grid, layout)[0]
                winners.append((combo, comp_ok))
            for (ln, p), old in saved:
                grid.rows[ln][p] = old
        if not winners:
            continue
        # Ties are common: characters whose values agree modulo 10 (1, B, L, V) change the
        # digit alike. The composite digit decides first, then the likelier confusion (earlier
        # in the confusion table); a tie that survives both is left uncorrected.
        if any(w[1] for w in winners):
            winners = [w for w in winners if w[1]]
        costs = [sum(_cost(grid.rows[ln][p], new) for (ln, p), new in w[0]) for w in winners]
        best = min(costs)
        if costs.count(best) != 1:
            return False
        winner = winners[costs.index(best)]
        # A digit-for-digit (or letter-for-letter) change is a weaker guess than a look-alike:
        # take it only when the composite digit confirms it as well.
        if best > 2 * len(winner[0]) and not winner[1]:
            return False
        for (ln, p), new in winner[0]:
            grid.set(ln, p, new, check.name)
        return True
    return False


_LETTER_CONFUSIONS = {
    "O": "DQCU", "D": "OB", "Q": "O", "C": "OG", "U": "OV", "I": "LTJE", "L": "IE", "T": "I",
    "E": "FBL", "F": "EP", "P": "FR", "R": "PB", "B": "ER", "M": "NH", "N": "MH", "H": "NM",
    "V": "UY", "Y": "V", "G": "C", "K": "X", "X": "K", "S": "B", "Z": "", "A": "", "W": "",
}


def _repair_codes(grid: _Grid, layout: Layout) -> None:
    """Country codes and the document code have no check digit, but they come from short
    lists: an unknown code one look-alike away from exactly one known code is repaired."""
    for name in ("issuing_country", "nationality"):
        f = layout.field(name)
        text = grid.get(f.line, f.start, f.end)
        if is_known_country(normalize_country(text)):
            continue
        fixes = set()
        for k, ch in enumerate(text):
            for alt in _LETTER_CONFUSIONS.get(ch, ""):
                cand = text[:k] + alt + text[k + 1:]
                if is_known_country(normalize_country(cand)):
                    fixes.add((k, alt))
        if len(fixes) == 1:
            k, alt = fixes.pop()
            grid.set(f.line, f.start + k, alt, "alphabet")
    f = layout.field("document_type")
    first = grid.rows[f.line][f.start]
    # The format was told from the first letter (V: a visa): a repair to or from V would make
    # the corrected lines another layout, with other check digits.
    codes = "V" if layout.format in (MrzFormat.MRV_A, MrzFormat.MRV_B) else "PIAC"
    if first not in codes:
        options = [c for c in _LETTER_CONFUSIONS.get(first, "") if c in codes]
        if len(options) == 1:
            grid.set(f.line, f.start, options[0], "alphabet")
    if grid.rows[f.line][f.start] == "I" and grid.rows[f.line][f.start + 1] in "O0Q":
        # No identity-card code has O as its second letter; "ID" is the common one.
        grid.set(f.line, f.start + 1, "D", "alphabet")


# ---------------------------------------------------------------------------------------------
# Extraction

def _split_name(field_text: str) -> tuple[str, str, bool]:
    truncated = field_text[-1:] not in ("<", "")
    text = field_text.rstrip("<")
    primary, sep, secondary = text.partition("<<")
    surname = " ".join(p for p in primary.split("<") if p)
    given = " ".join(p for p in secondary.split("<") if p) if sep else ""
    return surname, given, truncated


def _sex(ch: str) -> str:
    if ch in ("M", "F", "X"):
        return ch
    return "X" if ch == "<" else ""


def parse_mrz(lines: list[str] | tuple[str, ...], *, today: dt.date | None = None, correct: bool = True) -> MrzResult:
    """Parse, validate and (with ``correct``) repair an MRZ given as its text lines.

    ``today`` anchors the century of two-digit years (default: the current date). Raises
    :class:`MrzFormatError` only when the lines fit no layout; everything else is reported in
    the result's check digits, field validity and score.
    """
    today = today or dt.date.today()
    raw = normalize_lines(lines)
    fmt = detect_format(raw)
    if fmt is None:
        shape = "x".join(str(len(line)) for line in raw) or "nothing"
        raise MrzFormatError(f"lines of lengths {shape} fit no MRZ layout (3x30, 2x36 or 2x44)")
    layout = LAYOUTS[fmt]
    grid = _Grid(raw)
    alphabets = _alphabet_map(layout)
    if correct:
        _coerce(grid, layout)
        locked: set[tuple[int, int]] = set()
        for check in layout.checks:
            if check.name == "composite":
                continue
            ok = _evaluate(check, grid, layout)[0] or _correct(check, grid, layout, alphabets, locked)
            if ok:
                cells, digit = _check_spans(check, grid, layout)
                locked.update(cells)
                locked.add(digit)
        for check in layout.checks:
            if check.name == "composite" and not _evaluate(check, grid, layout)[0]:
                _correct(check, grid, layout, alphabets, locked)
        _repair_codes(grid, layout)
    corrected_by = {c.reason for c in grid.corrections}
    alpha_cells = {(c.line, c.position) for c in grid.corrections}
    checks = []
    for check in layout.checks:
        valid, read, computed = _evaluate(check, grid, layout)
        cells, digit = _check_spans(check, grid, layout)
        touched = check.name in corrected_by or any(c in alpha_cells for c in cells + [digit])
        checks.append(CheckResult(check.name, valid, read, computed, touched))
    return _extract(fmt, layout, grid, raw, tuple(checks), today)


def _extract(fmt, layout, grid, raw, checks, today) -> MrzResult:
    def get(name: str) -> str:
        f = layout.field(name)
        return grid.get(f.line, f.start, f.end)

    surname, given, truncated = _split_name(get("name"))
    number = get("document_number")
    ext = _long_number_extension(grid, layout) if fmt in (MrzFormat.TD1, MrzFormat.TD2) else None
    if fmt is MrzFormat.TD1:
        opt1 = get("optional_data_1")
        if ext is not None:
            number += grid.get(ext[0], ext[1], ext[2])
            opt1 = grid.get(ext[0], ext[2] + 1, layout.field("optional_data_1").end)
        optional = " ".join(p for p in (opt1.strip("<"), get("optional_data_2").strip("<")) if p)
    else:
        opt = get("optional_data")
        if ext is not None:
            number += grid.get(ext[0], ext[1], ext[2])
            opt = grid.get(ext[0], ext[2] + 1, layout.field("optional_data").end)
        optional = opt.strip("<")
    issuing = normalize_country(get("issuing_country"))
    nationality = normalize_country(get("nationality"))
    birth = parse_mrz_date(get("birth_date"), "birth", today)
    expiry = parse_mrz_date(get("expiry_date"), "expiry", today)
    sex = _sex(get("sex"))
    doc_type = get("document_type").replace("<", "")
    by_name = {c.field: c for c in checks}

    def ok(name: str) -> bool:
        return by_name[name].valid if name in by_name else True

    document_number = number.replace("<", "")
    validity = {
        "document_type": bool(doc_type) and doc_type[0] in "PIACV" and doc_type.isalpha(),
        "issuing_country": is_known_country(issuing),
        "nationality": is_known_country(nationality),
        "name": bool(surname) and set(get("name")) <= (_LETTERS | {"<"}),
        "document_number": ok("document_number") and bool(document_number),
        "birth_date": ok("birth_date") and birth.valid,
        # All fillers: a document with no expiry date, which ICAO 9303 allows on some documents
        # (its iso stays "", so no expiry reason is raised).
        "expiry_date": ok("expiry_date") and (expiry.valid or get("expiry_date") == "<<<<<<"),
        "sex": sex != "",
        "optional_data": ok("optional_data") and ok("composite"),
    }
    n_checks = len(checks)
    check_points = 70.0 * sum(c.valid for c in checks) / n_checks
    field_points = 30.0 * sum(validity.values()) / len(validity)
    score = int(round(check_points + field_points)) - min(len(grid.corrections), 20)
    return MrzResult(
        format=fmt,
        lines=grid.lines(),
        raw_lines=raw,
        document_type=doc_type,
        issuing_country=issuing,
        surname=surname,
        given_names=given,
        name_truncated=truncated,
        document_number=document_number,
        nationality=nationality,
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
        optional_data=optional,
        checks=checks,
        corrections=tuple(grid.corrections),
        field_validity=validity,
        score=max(0, min(100, score)),
    )


def with_symbol(result: MrzResult, line: int, pos: int, symbol: str, *, today: dt.date | None) -> MrzResult | None:
    """``result``'s lines with the symbol at ``(line, pos)`` replaced, parsed again (a
    re-read of one cell); None when the lines then fit no layout."""
    rows = [list(x) for x in result.lines]
    rows[line][pos] = symbol
    try:
        return parse_mrz(["".join(r) for r in rows], today=today)
    except MrzFormatError:
        return None
