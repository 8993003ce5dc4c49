"""Names into the MRZ alphabet as ICAO 9303 part 3 (section 6) prescribes. Pure: no I/O.

The ICAO table comes first (Ä -> AE, Ö -> OE, Ü -> UE, Å -> AA, ß -> SS, Ø -> OE, Æ -> AE,
Þ -> TH, ...); everything else goes through anyascii (Cyrillic, Greek, CJK romanisation, plain
diacritics). Apostrophes vanish, hyphens, commas and spaces become the ``<`` filler.
"""

from __future__ import annotations

import re

__all__ = ["transliterate", "mrz_name_field"]

# Doc 9303 part 3, table "Transliteration of multinational Latin-based characters".
_ICAO = {
    "Ä": "AE", "Æ": "AE", "Å": "AA", "Ö": "OE", "Ø": "OE", "Œ": "OE", "Ü": "UE", "ß": "SS",
    "Þ": "TH", "Ĳ": "IJ", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "Ŋ": "N", "Ŧ": "T", "ẞ": "SS",
}


def transliterate(text: str) -> str:
    """``text`` in MRZ characters only: upper case A-Z with ``<`` for every separator."""
    from anyascii import anyascii

    out = []
    for ch in text.upper():
        if ch in _ICAO:
            out.append(_ICAO[ch])
        elif ch in "'’`´":
            continue
        elif ch.isascii():
            out.append(ch)
        else:
            out.append(anyascii(ch).upper().replace("'", ""))
    ascii_text = "".join(out)
    ascii_text = re.sub(r"[^A-Z0-9]+", "<", ascii_text)
    ascii_text = re.sub(r"[0-9]", "", ascii_text)
    return ascii_text.strip("<")


def mrz_name_field(surname: str, given_names: str, width: int) -> tuple[str, bool]:
    """The MRZ name field ``SURNAME<<GIVEN<NAMES`` padded to ``width``, and whether it was truncated.

    Truncation follows ICAO 9303: the given names are shortened first, down to one letter each
    component; then the surname. The field never ends mid-separator.
    """
    primary = transliterate(surname)
    secondary = transliterate(given_names)
    field = primary + ("<<" + secondary if secondary else "")
    if len(field) <= width:
        return field.ljust(width, "<"), False
    # Too long: keep the surname whole if we can, and cut the given names.
    room = width - len(primary) - 2
    if room >= 1:
        cut = secondary[:room]
    else:
        field = primary[:width]
        return field, True
    field = (primary + "<<" + cut)[:width]
    return field.ljust(width, "<"), True
