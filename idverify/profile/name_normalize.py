"""Name normalisation: Unicode, case, punctuation, diacritics and transliteration to Latin.

A name is split into tokens, and each token is given the Latin spellings under which it may
appear on a document:

* ``icao``: the ICAO 9303 Part 3 transliteration used in machine-readable zones, from the
  project's one table (:mod:`idverify.icao.transliteration`: Ä -> AE, ß -> SS, Ж -> ZH,
  Щ -> SHCH, Ю -> IU, Я -> IA, Й -> I ..., anyascii for other scripts), so a token's ``icao``
  form is exactly what :func:`idverify.documents.mrz.transliterate` writes for it;
* ``plain``: a variant, not a second table: diacritics dropped (Müller -> MULLER, the A/O/U
  alternative ICAO allows and many documents and users write) and anyascii's romanisation for
  other scripts (Юлия -> YULIYA, the pre-2013 Russian passport spelling), so that a name
  written under another common romanisation still meets the ICAO one;
* ``folded``: the ICAO form with the digraphs AE, OE, UE, AA folded to one vowel, so that a
  declared "Muller" meets an MRZ "MUELLER" that no longer shows it was a Müller;
* ``romanised``: a variant key that merges the common romanisations of Cyrillic names (IU
  and YU, IA and YA, a final II, IY or IJ), so that a declared "Yuriy Yakovlev" meets the ICAO
  "IURII IAKOVLEV" (tokens of four letters or more).

Punctuation separates tokens (hyphens, commas, MRZ fillers ``<``), except apostrophes, which
ICAO 9303 omits (O'Brien -> OBRIEN). NFKC folds compatibility forms (full-width letters,
ligatures). Chinese characters and Korean syllables become one token each, because documents
write the syllables either apart (ZHANG WEI) or joined (XIAOMING) and the matcher can join
adjacent tokens. Pure; results are cached per distinct string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

from idverify.icao.transliteration import to_latin

__all__ = ["PARTICLES", "NameToken", "clear_caches", "tokenize"]

#: Surname particles (lower case, transliterated). They weigh little when one side omits them
#: (Cruz for DE LA CRUZ) and may be joined to the next token (DELACRUZ, VANDERBERG).
PARTICLES: frozenset[str] = frozenset(
    "ab al am an af av bin binti bint d da dal dalla das de degli dei del della delle der "
    "des di do dos du el la las le les lo los op te ten ter van "
    "vande vander vom von y zu zum zur".split()
)

_APOSTROPHES = dict.fromkeys(map(ord, "'’ʼ`´‘ʻ"), None)
_NON_ASCII_ALNUM = re.compile(r"[^a-z0-9]")
_FOLD = re.compile(r"ae|oe|ue|aa")
_FOLD_MAP = {"ae": "a", "oe": "o", "ue": "u", "aa": "a"}
_ROMAN = re.compile(r"iu|ia|(?:ii|iy|ij|yi)$")
_ROMAN_MAP = {"iu": "yu", "ia": "ya", "ii": "i", "iy": "i", "ij": "i", "yi": "i"}
_ASCII_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _is_syllabic(char: str) -> bool:
    """CJK ideographs and Hangul syllables: one character is one syllable of a name."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0xAC00 <= code <= 0xD7AF
        or 0x20000 <= code <= 0x2FA1F
    )


class NameToken:
    """One name token with the Latin spellings it may take on a document.

    ``text`` is the case-folded, NFC token as written (letters, marks and digits only);
    ``icao``, ``plain`` and ``folded`` are lower-case ASCII (see the module docstring);
    ``forms`` is the set of the three; ``particle`` says whether it is a surname particle.
    """

    __slots__ = ("folded", "forms", "icao", "particle", "plain", "romanised", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        if text.isascii():  # the common case: no transliteration needed
            self.icao = self.plain = text
        else:
            self.icao = _NON_ASCII_ALNUM.sub("", to_latin(text).lower())
            self.plain = _NON_ASCII_ALNUM.sub("", anyascii(text).lower())
        icao = self.icao
        self.folded = _FOLD.sub(_fold, icao) if _FOLD.search(icao) else icao
        self.romanised = _ROMAN.sub(_romanise, icao) if len(icao) >= 4 and "i" in icao else icao
        self.forms = frozenset((self.icao, self.plain, self.folded, self.romanised))
        self.particle = self.plain in PARTICLES

    def __repr__(self) -> str:
        return f"NameToken({self.plain!r})"


def _fold(match: re.Match[str]) -> str:
    return _FOLD_MAP[match.group(0)]


def _romanise(match: re.Match[str]) -> str:
    return _ROMAN_MAP[match.group(0)]


@lru_cache(maxsize=65536)
def _token(text: str) -> NameToken:
    return NameToken(text)


@lru_cache(maxsize=65536)
def tokenize(name: str) -> tuple[NameToken, ...]:
    """Split a name into normalised tokens, in the order written.

    Empty tokens (a token made only of characters that transliterate to nothing) are dropped.
    """
    if name.isascii():  # fast path: no Unicode normalisation or script handling needed
        text = name.lower().replace("'", "").replace("`", "")
        return tuple(_token(part) for part in _ASCII_SEPARATORS.sub(" ", text).split())
    text = unicodedata.normalize("NFKC", name).casefold().translate(_APOSTROPHES)
    chars = []
    for char in text:
        if char.isalnum():
            if _is_syllabic(char):
                chars.append(f" {char} ")
            else:
                chars.append(char)
        elif unicodedata.category(char).startswith("M"):
            chars.append(char)
        else:
            chars.append(" ")
    tokens = []
    for part in "".join(chars).split():
        token = _token(unicodedata.normalize("NFC", part))
        if token.plain or token.icao:
            tokens.append(token)
    return tuple(tokens)


def clear_caches() -> None:
    """Forget every cached tokenisation (benchmarks measuring cold throughput)."""
    tokenize.cache_clear()
    _token.cache_clear()
