"""National characters into Latin per ICAO Doc 9303 Part 3 (8th edition), section 6. Pure: no I/O.

The one transliteration table of the project. :func:`to_latin` applies it and sends every other
character through anyascii:

* Table A (multinational Latin characters): the letters whose ICAO spelling is not the letter
  without its diacritic (Ä -> AE, Å -> AA, Æ -> AE, Ö -> OE, Ø -> OE, Ü -> UE, ß -> SS,
  Þ -> TH, Ð -> D, Ĳ -> IJ, Ł -> L, ...). Every other Table A letter (À, Ç, É, Ñ, Š, ...) is
  the bare letter, which is what anyascii gives, so it is not repeated here. Table A allows A,
  O, U for Ä, Ö, Ü as an alternative; the table holds the recommended AE, OE, UE, and the
  name matcher accepts the alternative as a variant (see ``idverify.profile.name_normalize``).
* Table B (Cyrillic), complete: Ж -> ZH, Х -> KH, Ц -> TS, Щ -> SHCH, Ю -> IU, Я -> IA,
  Й -> I, Ъ -> IE, Ы -> Y, Ь dropped, Є -> IE, Ї -> I, Ґ -> G, ... Where Table B notes a
  language-specific reading (Г as H, И as Y in Ukrainian), the table keeps the general one:
  a name carries no language tag.
* Other scripts (Greek, Arabic, CJK, ...): Part 3 gives no table we apply (Table C, Arabic,
  depends on vowels the script does not write), so anyascii's romanisation is used.

Apostrophes are omitted, as ICAO 9303 writes O'Brien as OBRIEN.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from anyascii import anyascii

__all__ = ["ICAO_TRANSLITERATION", "to_latin"]

#: Upper-case character -> its ICAO 9303 Part 3 spelling (upper-case ASCII, possibly empty).
ICAO_TRANSLITERATION: Mapping[str, str] = MappingProxyType({
    # Table A: multinational Latin characters that are not the bare letter.
    "Ä": "AE", "Å": "AA", "Æ": "AE", "Ð": "D", "Ö": "OE", "Ø": "OE", "Ü": "UE", "Þ": "TH",
    "ß": "SS", "ẞ": "SS", "Đ": "D", "Ħ": "H", "Ĳ": "IJ", "Ŀ": "L", "Ł": "L",
    "Ŋ": "N", "Œ": "OE", "Ŧ": "T",
    # Table B: Cyrillic.
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Ѓ": "G", "Д": "D", "Ђ": "D",
    "Е": "E", "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I",
    "Ї": "I", "Й": "I", "Ј": "J", "К": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N",
    "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "C", "Ќ": "K",
    "У": "U", "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH",
    "Щ": "SHCH", "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
})  # fmt: skip

_TABLE = str.maketrans(dict(ICAO_TRANSLITERATION))
_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´‘ʻ"), None)


def to_latin(text: str) -> str:
    """``text`` in upper-case ASCII as ICAO 9303 Part 3 transliterates it.

    Letters go through :data:`ICAO_TRANSLITERATION`, then anyascii for whatever the table does
    not hold; apostrophes vanish; spaces, hyphens, digits and other ASCII punctuation are kept,
    so callers decide what separates a name (the MRZ filler, the matcher's tokens).
    """
    # NFC first so that a decomposed Ä (A + U+0308) meets its table entry; NFKC after the table
    # folds compatibility forms (full-width letters, ligatures) that the table does not list.
    upper = unicodedata.normalize("NFC", text).upper().translate(_TABLE)
    latin = anyascii(unicodedata.normalize("NFKC", upper)).upper()
    return latin.translate(_APOSTROPHES)
