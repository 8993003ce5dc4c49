"""Read the printed fields of the visual inspection zone (VIZ) by their captions.

An OCR engine turns the upright document into text lines with boxes (:class:`TextLine`):
RapidOCR (:mod:`idverify.documents.rapidocr_text`, the default) detects the lines and reads
each one; Tesseract (:class:`TesseractFields`) reads the page as sparse words, which are joined
into lines here. The rest is pure and shared (:func:`fields_from_lines`): a line is a caption
when its words are one of the usual captions in English, French, Spanish or German, misread
ones included ("Sumame", "Natianalty"); the value is the next line below the caption, in the
caption's column and within about two caption heights (or, failing that, the rest of the
caption's own line: "DOB 01/02/1990"); a caption next in the column means the value was not
read, and nothing further down is taken. Values are normalised per field: dates from the
printed forms ("12 AUG 1974", "12AUG1974", "12.08.1974", "08/12/1974"), names in capitals
without digits or punctuation, document numbers as letters and digits, nationality as a
known three-letter code.

Each :class:`VizField` carries a confidence (the engine's, of its least sure word, lowered
when the value's form is doubtful); the reader contradicts a valid MRZ only with confident
values.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

from idverify.documents.mrz.countries import is_known_country, normalize_country
from idverify.documents.tesseract import TesseractEngine, Word

__all__ = [
    "PrintedFieldReader",
    "FIELDS",
    "TesseractFields",
    "TextLine",
    "VizField",
    "caption_field",
    "fields_from_lines",
    "fields_from_words",
    "lines_from_words",
    "parse_printed_date",
    "read_viz",
]

#: Caption keys per field, checked in this order (a "place of birth" is no date of birth, a
#: "date of issue" no date of expiry). "" marks captions of fields not read (they only stop a
#: search). Long keys match misread words; keys of four letters or fewer match whole words.
_CAPTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", ("place", "lieu", "lugar", "issue", "delivrance", "expedicion", "emission", "authority", "autorite",
          "type", "height", "taille", "residence", "address", "adresse", "signature", "geburtsort", "ausstellung",
          "issuing", "post", "control", "personal", "annotation", "entries", "remarks", "observations", "code",
          "record", "registration", "tax")),
    ("birth_date", ("birth", "naissance", "nacimiento", "geburtstag", "geburtsdatum", "dob")),
    ("expiry_date", ("expiry", "expiration", "expires", "caducidad", "validez", "validity", "gultig", "exp")),
    ("given_names", ("given", "prenoms", "prenom", "forenames", "forename", "nombre", "vornamen", "vorname", "first")),
    ("surname", ("surname", "apellidos", "apellido", "familienname", "last", "nom")),
    ("nationality", ("nationality", "nationalite", "nacionalidad", "staatsangehorigkeit")),
    ("document_number", ("document", "number", "numero", "passnummer", "no", "nr", "dl", "num")),
    ("sex", ("sex", "sexe", "sexo", "geschlecht")),
)
_MONTHS = {m: i + 1 for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))}
_MONTHS.update({"FEV": 2, "AVR": 4, "MAI": 5, "JUI": 7, "AOU": 8, "ENE": 1, "ABR": 4, "AGO": 8, "DIC": 12, "MRZ": 3,
                "OKT": 10, "DEZ": 12})
#: Letters OCR puts for digits inside a date's number parts.
_DIGIT_LOOKALIKES = str.maketrans("OoQDIlLiSsBZzG", "00001111555822")
#: Fields whose values :func:`fields_from_lines` reads.
FIELDS = ("surname", "given_names", "document_number", "birth_date", "expiry_date", "nationality", "sex")


@dataclass(frozen=True)
class VizField:
    """One printed field: its normalised value (ISO date for dates), raw text and confidence 0-1
    (the engine's confidence of its least sure word)."""

    field: str
    value: str
    raw: str
    confidence: float


@dataclass(frozen=True)
class TextLine:
    """One line of text (a caption, a value, or both), its confidence 0-1 and box
    (left, top, right, bottom) in pixels of the page read."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]

    @property
    def height(self) -> int:
        return max(1, self.box[3] - self.box[1])

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2.0


class PrintedFieldReader(Protocol):
    """What the document reader needs of an OCR engine for the printed fields. A read is three
    steps: :meth:`regions`, where the text lines are on the page, found before its portraits
    are known (it may run while the faces are searched); :meth:`lines`, what can be read of
    the page before any other source is known (it may run on another thread while the MRZ of
    another image is read); and :meth:`fields`, which finishes it once the MRZ or barcode is
    known. :meth:`read` is all three on one page."""

    #: "rapidocr" or "tesseract" (the ``documents.viz_engine`` setting that selects it).
    name: str

    def regions(self, rgb: np.ndarray) -> Any:
        """Where the text lines are on the upright document ``rgb``, in a form only this
        reader's :meth:`lines` takes; None for a reader that finds them as it reads."""
        ...

    def lines(self, rgb: np.ndarray, *, regions: Any = None, keep_out: Sequence[tuple[int, int, int, int]] = ()) -> Any:
        """The text on the upright document ``rgb`` (the MRZ cut off), at the ``regions``
        :meth:`regions` found on it (found here when not given), none from inside a
        ``keep_out`` box (a portrait's head and shoulders: left, top, width, height); in a form
        only this reader's :meth:`fields` takes (a reader may leave all the work to it)."""
        ...

    def fields(self, lines: Any, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        """The printed fields of what :meth:`lines` gave. ``names``: the surname and given
        names another source gives (the MRZ, a barcode); a reader may read a name's line again
        when its read differs, never change a read to it."""
        ...

    def read(self, rgb: np.ndarray, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        """``fields(lines(rgb), ...)``."""
        ...


#: Re-reads one region of the page for a field: box (left, top, right, bottom) -> line or None.
Reread = Callable[[tuple[int, int, int, int], str], "TextLine | None"]


def parse_printed_date(text: str, *, us: bool = False) -> str:
    """An ISO date from printed text, or "". ``us`` reads nn/nn/yyyy as month/day."""
    return _printed_date(text, us)[0]


def _printed_date(text: str, us: bool) -> tuple[str, bool]:
    """:func:`parse_printed_date`'s date, and whether its day, or a numeric month, was read
    with one digit."""
    up = text.upper()
    m = re.search(r"([0-9OQDIL]{1,2})\s*([A-Z0]{3})[A-Z/ .]*?\s*([0-9OQDILSBZ]{4})", up)
    if m and m.group(2).replace("0", "O") in _MONTHS:
        day = int(m.group(1).translate(_DIGIT_LOOKALIKES))
        month = _MONTHS[m.group(2).replace("0", "O")]
        year = int(m.group(3).translate(_DIGIT_LOOKALIKES))
        short = len(m.group(1)) == 1
    else:
        t = up.translate(_DIGIT_LOOKALIKES)
        m = re.search(r"(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4})", t)
        if not m:
            return "", False
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (b, a) if us else (a, b)
        short = len(m.group(1)) == 1 or len(m.group(2)) == 1
    if not 1900 <= year <= 2100:
        return "", False
    try:
        return dt.date(year, month, day).isoformat(), short
    except ValueError:
        return "", False


#: The words "date" in the languages of :data:`_CAPTIONS`: no name holds one, every date's
#: caption does.
_DATE_WORDS = frozenset({"DATE", "DATUM", "FECHA", "DATA"})
#: The confidence of a printed date read with a one-digit day or month: below
#: ``documents.viz_min_confidence``, so it cannot contradict the MRZ.
TRUNCATED_DATE_CONFIDENCE = 0.5


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^a-z]+", _fold(text)) if t]


def caption_field(text: str) -> str | None:
    """The field a caption line names ("" for a caption of a field not read), or None when the
    line is no caption. Misread long words count ("Sumame", "Natianalty", "Givennames")."""
    from rapidfuzz import fuzz

    tokens = _tokens(text)
    if not tokens:
        return None
    joined = "".join(tokens)
    for field, keys in _CAPTIONS:
        for key in keys:
            if len(key) <= 4:
                if key in tokens:
                    return field
            elif any(len(t) >= 4 and fuzz.ratio(key, t) >= 76 for t in tokens) or (
                    len(joined) > len(key) and fuzz.partial_ratio(key, joined) >= 86):
                return field
    return None


def _words_to_segments(line: list[Word]) -> list[list[Word]]:
    """Split one text line at wide gaps: columns hold other fields."""
    out = [[line[0]]]
    for w in line[1:]:
        h = max(w.box[3] - w.box[1], out[-1][-1].box[3] - out[-1][-1].box[1])
        if w.box[0] - out[-1][-1].box[2] > 3 * h:
            out.append([w])
        else:
            out[-1].append(w)
    return out


def lines_from_words(words: Sequence[Word]) -> list[TextLine]:
    """Join OCR words (confidence 0-100) into text lines by their vertical centres (not their
    extents: one tall misread blob on a photo must not swallow the lines beside it), split at
    wide gaps into columns."""
    heights = [w.box[3] - w.box[1] for w in words]
    if not heights:
        return []
    med = float(np.median(heights))
    words = [w for w in words if w.box[3] - w.box[1] <= 2.2 * med and w.confidence >= 30]
    rows: list[tuple[list[float], list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        cy = (w.box[1] + w.box[3]) / 2
        h = w.box[3] - w.box[1]
        for centres, row in rows:
            lh = float(np.median([x.box[3] - x.box[1] for x in row]))
            if abs(cy - float(np.mean(centres))) < 0.45 * min(lh, h) + 2:
                row.append(w)
                centres.append(cy)
                break
        else:
            rows.append(([cy], [w]))
    out = []
    for _, row in rows:
        row.sort(key=lambda w: w.box[0])
        for seg in _words_to_segments(row):
            box = (min(w.box[0] for w in seg), min(w.box[1] for w in seg), max(w.box[2] for w in seg), max(w.box[3] for w in seg))
            out.append(TextLine(" ".join(w.text for w in seg), min(w.confidence for w in seg) / 100.0, box))
    return out


def _normalise(field: str, raw: str, conf: float, us_dates: bool) -> tuple[str, float]:
    value = raw.strip(" /:.,")
    if field in ("birth_date", "expiry_date"):
        value, short = _printed_date(raw, us_dates)
        if short:
            # Documents print days and months in two digits (ICAO 9303: 04 JUL 1969): one digit
            # is a read that lost the other, most often at the line's cut start (24 read 4).
            conf = min(conf, TRUNCATED_DATE_CONFIDENCE)
        return value, conf
    if field in ("surname", "given_names"):
        if re.search(r"\d", raw):
            # No name holds a digit: this is another line (a date's "pate of 1959").
            conf *= 0.5
        if _DATE_WORDS & set(value.upper().split()):
            # A date's caption taken for a name ("Date of birth" read DATE OT TSITH).
            conf *= 0.5
        if "/" in value:
            # Two scripts ("national / Latin"): which part the MRZ transliterates is not known.
            value = value.rsplit("/", 1)[-1]
            conf *= 0.5
        parts = [re.sub(r"[^A-ZÀ-ÖØ-Þ'\-]", "", p) for p in value.upper().split()]
        return " ".join(p for p in parts if p).strip(), conf
    if field == "document_number":
        v = re.sub(r"[^A-Z0-9]", "", value.upper())
        if len(v) < 5 or not re.search(r"\d", v):
            conf *= 0.5  # a fragment or a word: no document number
        return v, conf
    if field == "sex":
        v = re.sub(r"[^A-Z]", "", value.upper())
        return (v[:1], conf) if v[:1] in ("M", "F", "X") and len(v) <= 2 else ("", conf)
    if field == "nationality":
        v = re.sub(r"[^A-Z]", "", value.upper())[:3]
        if not (len(v) == 3 or v == "D") or not is_known_country(normalize_country(v)):
            # A word ("BRITISH CITIZEN") or a code cut short: no grounds to contradict.
            conf *= 0.5
        return v, conf
    return value, conf


def _inline_value(text: str) -> str:
    """What follows the caption words on a caption's own line ("DOB 01/02/1990": "01/02/1990")."""
    words = text.replace(":", " : ").split()
    rest = []
    for w in reversed(words):
        if w == ":" or caption_field(w) is not None or w in ("/", "N°", "n°"):
            break
        rest.append(w)
    return " ".join(reversed(rest)) if len(rest) < len(words) else ""


def _has_form(field: str, text: str, us_dates: bool) -> bool:
    """True when ``text`` has the form of the field's values (a date, a number with digits)."""
    if field in ("birth_date", "expiry_date"):
        return bool(parse_printed_date(text, us=us_dates))
    if field == "document_number":
        return bool(re.search(r"\d", text)) and len(re.sub(r"[^A-Z0-9]", "", text.upper())) >= 5
    if field == "sex":
        return text.strip().upper() in ("M", "F", "X")
    if field == "nationality":
        return len(text.strip()) == 3 and is_known_country(normalize_country(text.strip().upper()))
    return False


def fields_from_lines(lines: Sequence[TextLine], *, us_dates: bool = False, reread: Reread | None = None) -> dict[str, VizField]:
    """Printed fields found among text lines (boxes in pixels). Pure but for ``reread``, which
    reads a caption's value region again when no line was found there (the engine missed it)."""
    kinds = [caption_field(ln.text) for ln in lines]
    out: dict[str, VizField] = {}
    used: set[int] = set()
    for i, cap in enumerate(lines):
        field = kinds[i]
        if not field or field in out:
            continue
        h = cap.height
        x0 = cap.box[0]
        below = sorted((j for j, ln in enumerate(lines)
                        if j != i and ln.cy > cap.cy + 0.6 * h and ln.box[1] - cap.box[3] < 2.0 * h
                        and abs(ln.box[0] - x0) < 2.5 * h), key=lambda j: lines[j].box[1])
        value: TextLine | None = None
        for j in below:
            ln = lines[j]
            # A value in capitals, taller than its caption, is a value even when it reads
            # like a caption word (a given name "BIRTHE", a surname "NOMURA").
            is_value = kinds[j] is None or (ln.text.upper() == ln.text and ln.height > 1.15 * h and kinds[j] != "")
            if not is_value:
                break  # the next caption: the value was not read, and below lies another field
            value = ln
            break
        if value is None and reread is not None and not below:
            value = reread((max(0, x0 - h), cap.box[3], x0 + 30 * h, cap.box[3] + int(2.4 * h)), field)
        if value is None:
            inline = _inline_value(cap.text)
            if inline and (":" in cap.text or _has_form(field, inline, us_dates)):
                value = TextLine(inline, cap.confidence, cap.box)
        if value is None or not value.text.strip():
            continue
        v, conf = _normalise(field, value.text, value.confidence, us_dates)
        if v:
            out[field] = VizField(field, v, value.text, round(float(conf), 3))
            used.update((i, *(j for j in below if lines[j] is value)))
    if any(kinds):
        _by_layout(lines, kinds, out, used, us_dates)
    return out


#: Confidence of a value placed by the page's layout, not under its own caption: evidence,
#: never enough to contradict an MRZ (``documents.viz_min_confidence`` is 0.8).
LAYOUT_CONFIDENCE = 0.75


def _by_layout(lines: Sequence[TextLine], kinds: list[str | None], out: dict[str, VizField], used: set[int], us_dates: bool) -> None:
    """Fields whose caption was not read, placed by what ICAO 9303 fixes for every page: the
    date of birth comes before the date of issue, which comes before the date of expiry; the
    document number is the one value of letters and at least three digits; the surname is
    the first name-like value of the caption column and the given names the next one."""
    free = [j for j in range(len(lines)) if j not in used and kinds[j] is None]

    def put(field: str, j: int, value: str) -> None:
        conf = min(lines[j].confidence, LAYOUT_CONFIDENCE)
        out[field] = VizField(field, value, lines[j].text, round(float(conf), 3))
        used.add(j)
        free.remove(j)

    dates = [(parse_printed_date(lines[j].text, us=us_dates), j) for j in range(len(lines)) if kinds[j] is None]
    dates = sorted((d, j) for d, j in dates if d)
    if len({d for d, _ in dates}) >= 2:
        if "birth_date" not in out and dates[0][1] in free and dates[0][0] < out.get("expiry_date", VizField("", "9999", "", 0)).value:
            put("birth_date", dates[0][1], dates[0][0])
        if "expiry_date" not in out and dates[-1][1] in free and dates[-1][0] > out.get("birth_date", VizField("", "0000", "", 0)).value:
            put("expiry_date", dates[-1][1], dates[-1][0])
    if "document_number" not in out:
        # Printed in capitals: a line read with small letters is something else (a security
        # print or a signature read as text, "sa19N702").
        numbers = [j for j in free if not parse_printed_date(lines[j].text)
                   and re.fullmatch(r"[A-Z0-9]{6,12}", lines[j].text.replace(" ", ""))
                   and len(re.findall(r"\d", lines[j].text)) >= 3]
        if len(numbers) == 1:
            put("document_number", numbers[0], re.sub(r"[^A-Z0-9]", "", lines[numbers[0]].text.upper()))
    if "surname" in out and "given_names" in out:
        return
    # The caption column: where the captions that were read start.
    xs = [lines[j].box[0] for j in range(len(lines)) if kinds[j] is not None]
    hs = [lines[j].height for j in range(len(lines)) if kinds[j] is not None]
    x0, h = float(np.median(xs)), float(np.median(hs))
    names = [j for j in free if abs(lines[j].box[0] - x0) < 2.5 * h and lines[j].text.upper() == lines[j].text
             and re.fullmatch(r"[A-ZÀ-ÖØ-Þ'\- ]{2,}", lines[j].text.strip()) and len(lines[j].text.strip()) != 3]
    names.sort(key=lambda j: lines[j].box[1])
    if "surname" in out:
        # The given names come after the surname: only lines below it.
        top = max((lines[j].box[1] for j in used if lines[j].text == out["surname"].raw), default=-1)
        names = [j for j in names if lines[j].box[1] > top]
    elif "given_names" in out:
        # The surname comes before the given names: only lines above them.
        bottom = min((lines[j].box[1] for j in used if lines[j].text == out["given_names"].raw), default=-1)
        names = [j for j in names if lines[j].box[1] < bottom][-1:]
    for field in ("surname", "given_names"):
        if not names:
            break
        if field in out:
            continue
        j = names.pop(0)
        v, _ = _normalise(field, lines[j].text, lines[j].confidence, us_dates)
        if v:
            put(field, j, v)


def fields_from_words(words: Sequence[Word], *, us_dates: bool = False) -> dict[str, VizField]:
    """Printed fields found among OCR words (boxes in pixels). Pure: no OCR here."""
    return fields_from_lines(lines_from_words(words), us_dates=us_dates)


#: Characters a value re-read may hold, per field.
_REREAD_WHITELIST = {
    "birth_date": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./- ",
    "expiry_date": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./- ",
    "document_number": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "nationality": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "sex": "MFX",
}
_NAME_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-'"


class TesseractFields:
    """Printed fields with Tesseract: one sparse-text pass over the page at ``width`` pixels,
    then the region under each caption whose value that pass missed is read again alone, as a
    single line at a scale Tesseract reads well."""

    name = "tesseract"

    def __init__(self, engine: TesseractEngine, *, width: int = 1100) -> None:
        self.engine = engine
        self.width = width

    def regions(self, rgb: np.ndarray) -> None:
        """None: Tesseract's page segmentation finds the lines in the sparse pass."""
        return None

    def lines(self, rgb: np.ndarray, *, regions: Any = None, keep_out: Sequence[tuple[int, int, int, int]] = ()) -> np.ndarray:
        """The page itself with the ``keep_out`` boxes painted white (a portrait's shapes read
        as text): the sparse pass and its re-reads are one step (:meth:`fields`)."""
        if not keep_out:
            return rgb
        page = np.ascontiguousarray(rgb).copy()
        for x, y, w, h in keep_out:
            page[y:y + h, x:x + w] = 255
        return page

    def read(self, rgb: np.ndarray, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        return self.fields(rgb, us_dates=us_dates, names=names)

    def fields(self, rgb: np.ndarray, *, us_dates: bool = False, names: Mapping[str, str] | None = None) -> dict[str, VizField]:
        h, w = rgb.shape[:2]
        scale = self.width / float(w)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        gray = cv2.resize(gray, (self.width, max(8, int(h * scale))), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        words = self.engine.read_words(gray, "")

        def reread(box: tuple[int, int, int, int], field: str) -> TextLine | None:
            x0, y0, x1, y1 = box
            crop = gray[max(0, y0):min(gray.shape[0], y1), max(0, x0):min(gray.shape[1], x1)]
            if crop.shape[0] < 8 or crop.shape[1] < 8:
                return None
            k = 48.0 / crop.shape[0]
            crop = cv2.resize(crop, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
            symbols = self.engine.read_symbols(crop, _REREAD_WHITELIST.get(field, _NAME_WHITELIST))
            if not symbols:
                return None
            text = symbols[0].text
            for a, b in zip(symbols, symbols[1:]):
                text += (" " if b.box[0] - a.box[2] > 0.35 * (b.box[3] - b.box[1]) else "") + b.text
            return TextLine(text, min(s.confidence for s in symbols) / 100.0, box)

        return fields_from_lines(lines_from_words(words), us_dates=us_dates, reread=reread)


def read_viz(engine: TesseractEngine, rgb: np.ndarray, *, width: int = 1100, us_dates: bool = False) -> dict[str, VizField]:
    """OCR the upright document ``rgb`` with Tesseract and return its printed fields by caption."""
    return TesseractFields(engine, width=width).read(rgb, us_dates=us_dates)
