"""Read the printed fields of the visual inspection zone (VIZ) by their labels.

Tesseract reads the upright document as sparse text (words with boxes). Label words are found
by fuzzy match against the usual captions in English, French and Spanish ("Surname / Nom",
"Given names", "Date of birth", "Date of expiry", "Document no", "Nationality", "Sex"); the
value is the text just below the label (or beside it, after a colon), in the label's column.
Dates are parsed from the printed forms ("12 AUG 1974", "12.08.1974", "08/12/1974").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import cv2
import numpy as np

from idverify.documents.mrz.countries import is_known_country, normalize_country
from idverify.documents.tesseract import TesseractEngine, Word

__all__ = ["VizField", "parse_printed_date", "read_viz", "fields_from_words"]

#: Caption words per field; the first that matches decides. Multi-word captions are matched on
#: their most distinctive word, with the neighbour it needs.
_LABELS: dict[str, tuple[tuple[str, ...], ...]] = {
    "given_names": (("given",), ("prenoms",), ("prénoms",), ("first", "name"), ("nombre",)),
    "surname": (("surname",), ("apellidos",), ("last", "name"), ("nom",)),
    "birth_date": (("birth",), ("naissance",), ("dob",), ("nacimiento",)),
    "expiry_date": (("expiry",), ("expiration",), ("exp",), ("expires",), ("caducidad",)),
    "document_number": (("document", "no"), ("passport", "no"), ("no",), ("number",), ("dl",)),
    "nationality": (("nationality",), ("nationalite",), ("nationalité",)),
    "sex": (("sex",), ("sexe",)),
}
#: Words that belong to captions, never to values.
_CAPTION_WORDS = frozenset(
    k for opts in _LABELS.values() for keys in opts for k in keys
) | {"names", "name", "date", "of", "de", "du", "type", "issue", "délivrance", "delivrance", "nom", "sexe", "nationalité"}
_MONTHS = {m: i + 1 for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))}
_MONTHS.update({"FEV": 2, "AVR": 4, "MAI": 5, "JUI": 7, "AOU": 8, "DEC": 12, "ENE": 1, "ABR": 4, "AGO": 8, "DIC": 12})


@dataclass(frozen=True)
class VizField:
    """One printed field: its normalised value (ISO date for dates), raw text and confidence 0-1
    (Tesseract's confidence of its least sure word)."""

    field: str
    value: str
    raw: str
    confidence: float


def parse_printed_date(text: str, *, us: bool = False) -> str:
    """An ISO date from printed text, or "". ``us`` reads nn/nn/yyyy as month/day."""
    t = text.upper().replace("O", "0") if re.search(r"\d", text) else text.upper()
    m = re.search(r"(\d{1,2})\s*([A-Z0]{3})[A-Z/ ]*?\s*(\d{4})", text.upper())
    if m and m.group(2).replace("0", "O") in _MONTHS:
        day, month, year = int(m.group(1)), _MONTHS[m.group(2).replace("0", "O")], int(m.group(3))
    else:
        m = re.search(r"(\d{1,2})\s*[./\- ]\s*(\d{1,2})\s*[./\- ]\s*(\d{4})", t)
        if not m:
            return ""
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (b, a) if us else (a, b)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def _norm(word: str) -> str:
    return re.sub(r"[^a-zà-ÿ]", "", word.lower())


@dataclass
class _Line:
    words: list[Word]

    @property
    def top(self) -> int:
        return min(w.box[1] for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.box[3] for w in self.words)


def _lines(words: list[Word]) -> list[_Line]:
    """Group words into text lines by their vertical centres (not their extents: one tall
    misread blob on a photo must not swallow the lines beside it)."""
    heights = [w.box[3] - w.box[1] for w in words]
    if not heights:
        return []
    med = float(np.median(heights))
    words = [w for w in words if w.box[3] - w.box[1] <= 2.2 * med and w.confidence >= 30]
    lines: list[tuple[list[float], _Line]] = []
    for w in sorted(words, key=lambda w: (w.box[1] + w.box[3]) / 2):
        cy = (w.box[1] + w.box[3]) / 2
        h = w.box[3] - w.box[1]
        for centres, line in lines:
            lh = float(np.median([x.box[3] - x.box[1] for x in line.words]))
            if abs(cy - float(np.mean(centres))) < 0.45 * min(lh, h) + 2:
                line.words.append(w)
                centres.append(cy)
                break
        else:
            lines.append(([cy], _Line([w])))
    out = [line for _, line in lines]
    for line in out:
        line.words.sort(key=lambda w: w.box[0])
    return out


# Only long caption words are matched loosely: short ones ("given", "birth") are names too.
_LONG_CAPTION_WORDS = tuple(sorted(k for k in _CAPTION_WORDS | {"nationality", "expiration", "naissance", "delivrance", "document", "authority"} if len(k) >= 6))


def _is_caption_word(text: str) -> bool:
    """True for a caption word, also misread ("Dale", "NATIONAITÉ"): a misread caption taken
    for a value sent genuine holders to review (a given name "MATONALITY")."""
    from rapidfuzz import fuzz, process

    n = _norm(text)
    if n in _CAPTION_WORDS or text.strip() in ("/", "N°", "n°"):
        return True
    return len(n) >= 6 and process.extractOne(n, _LONG_CAPTION_WORDS, scorer=fuzz.ratio, score_cutoff=70) is not None


def _find_label(words: list[Word], keys: tuple[str, ...]) -> Word | None:
    for i, w in enumerate(words):
        if _norm(w.text) != keys[0]:
            continue
        if len(keys) > 1:
            nxt = [_norm(x.text) for x in words[i + 1:i + 3]]
            if keys[1] not in nxt:
                continue
        return w
    return None


def fields_from_words(words: list[Word], *, us_dates: bool = False) -> dict[str, VizField]:
    """Printed fields found among OCR words (boxes in pixels). Pure: no OCR here."""
    lines = _lines(words)
    label_words = {id(w) for w in words if _is_caption_word(w.text)}
    out: dict[str, VizField] = {}
    used_labels: set[int] = set()
    for field, options in _LABELS.items():
        for keys in options:
            label = None
            for line in lines:
                cand = _find_label(line.words, keys)
                if cand is not None and id(cand) not in used_labels:
                    label, label_line = cand, line
                    break
            if label is None:
                continue
            used_labels.add(id(label))
            lh = max(8, label.box[3] - label.box[1])
            # The caption starts at its first word ("Date of birth"): walk left over close words.
            k = label_line.words.index(label)
            anchor = label
            while k > 0 and anchor.box[0] - label_line.words[k - 1].box[2] < 1.5 * lh:
                k -= 1
                anchor = label_line.words[k]
            x_anchor = anchor.box[0]
            # The value: the next line below whose words start within the label's column.
            # Only the next line or so: further down lies the next field's value (the date of
            # issue taken for the date of birth when the birth date was not read).
            # Lines are compared by their centres: on a photo the value's boxes may reach up
            # into the caption's.
            label_cy = (label.box[1] + label.box[3]) / 2
            below = [ln for ln in lines if (ln.top + ln.bottom) / 2 > label_cy + 0.6 * lh and ln.top - label.box[3] < 2.5 * lh]
            below.sort(key=lambda ln: ln.top)
            value_words: list[Word] = []
            for ln in below:
                column = [w for w in ln.words if x_anchor - 2 * lh <= w.box[0] <= x_anchor + 25 * lh]
                ws = [w for w in column if id(w) not in label_words]
                if column and id(column[0]) in label_words and abs(column[0].box[0] - x_anchor) < 2 * lh:
                    # The next caption in this column: the value was not read, and what lies
                    # below belongs to another field (a birth date read as the nationality).
                    break
                if ws:
                    # Stop at a wide gap: the next column holds another field.
                    run = [ws[0]]
                    for w in ws[1:]:
                        if w.box[0] - run[-1].box[2] > 3 * (w.box[3] - w.box[1]):
                            break
                        run.append(w)
                    if abs(run[0].box[0] - x_anchor) < 2 * lh:
                        value_words = run
                        break
            if not value_words:
                after = [w for w in label_line.words if w.box[0] > label.box[2] and id(w) not in label_words]
                value_words = after[:4]
            if not value_words:
                continue
            raw = " ".join(w.text for w in value_words)
            # A value is as sure as its least sure word ("02 JAN 1971" with a 1976 read at 68).
            conf = float(min(w.confidence for w in value_words)) / 100.0
            value = raw.strip(" /:")
            if field in ("birth_date", "expiry_date"):
                value = parse_printed_date(raw, us=us_dates)
                if not value:
                    continue
            elif field in ("surname", "given_names"):
                if re.search(r"\d", raw):
                    # No name holds a digit: this is another line (a date's "pate of 1959").
                    conf *= 0.5
                value = " ".join(re.sub(r"[^A-Za-zÀ-ÿ'\-]", "", p).upper() for p in value.split()).strip()
            elif field == "document_number":
                value = re.sub(r"[^A-Z0-9]", "", value.upper())
            elif field == "sex":
                value = value[:1].upper() if value[:1].upper() in "MFX" else ""
            elif field == "nationality":
                value = re.sub(r"[^A-Z]", "", value.upper())[:3]
                if not (len(value) == 3 or value == "D") or not is_known_country(normalize_country(value)):
                    # A word ("BRITISH CITIZEN") or a code cut short: no grounds to contradict.
                    conf *= 0.5
            if value:
                out[field] = VizField(field, value, raw, conf)
            break
    return out


def read_viz(engine: TesseractEngine, rgb: np.ndarray, *, width: int = 1100, us_dates: bool = False) -> dict[str, VizField]:
    """OCR the upright document ``rgb`` and return its printed fields by label."""
    h, w = rgb.shape[:2]
    scale = width / float(w)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(gray, (width, max(8, int(h * scale))), interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    words = engine.read_words(gray, "")
    return fields_from_words(words, us_dates=us_dates)
