"""Names into the MRZ alphabet as ICAO 9303 part 3 (section 6) prescribes. Pure: no I/O.

The letters come from the project's one ICAO table (:func:`idverify.icao.to_latin`: Ä -> AE,
ß -> SS, Ю -> IU, Щ -> SHCH, anyascii for scripts the table does not cover); this module adds
the MRZ's own rules: apostrophes vanish, hyphens, commas and spaces become the ``<`` filler,
digits are dropped.
"""

from __future__ import annotations

import re

from idverify.icao.transliteration import to_latin

__all__ = ["mrz_name_field", "name_key", "transliterate"]

_SEPARATORS = re.compile(r"[^A-Z0-9]+")
_DIGITS = re.compile(r"[0-9]")


def transliterate(text: str) -> str:
    """``text`` in MRZ characters only: upper case A-Z with ``<`` for every separator."""
    mrz = _DIGITS.sub("", _SEPARATORS.sub("<", to_latin(text)))
    return mrz.strip("<")


def name_key(text: str) -> str:
    """A name as the MRZ spells it, words apart: ``transliterate`` with its fillers as spaces
    (MÜLLER and MUELLER, JEAN-PAUL and JEAN PAUL each have one key)."""
    return transliterate(text).replace("<", " ")


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
