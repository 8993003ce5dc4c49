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

Two sound keys let the matcher relate spellings that share no transliteration:

* ``phonetic``: the Metaphone code of ``plain`` (jellyfish), which merges spellings of one
  sound (Rafael and Raphael, Hussein and Hussin, Mzoudi and Mazuti); tokens of three letters
  or more, else ``plain``;
* ``skeleton``: the consonants of ``plain`` folded to seven classes (b/p, f/v, c/g/j/k/q/x,
  d/t, s/z, l/r, m/n) with vowels, h, w and y dropped and repeats collapsed. Scripts that
  write few or no vowels (Arabic, Hebrew) or that have no l/r or b/p contrast (Chinese,
  Japanese) still keep a name's consonant outline: فرناندو (anyascii "frnndw") and Fernando
  are both ``frnt``.

``latin`` says whether the token was written in Latin script; ``syllabic`` marks a token that
is one CJK ideograph or Hangul syllable; ``abjad`` one in a script that leaves short vowels
unwritten (Hebrew, Arabic, Syriac, Thaana).

Arabic ``Abd`` and the article after it become one token (Abd al-Aziz: ``abdal``, ``aziz``), so
that the joined romanisations (Abdul, Abdel) meet it by sound.

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
from jellyfish import metaphone

from idverify.icao.transliteration import to_latin

__all__ = ["PARTICLES", "NameToken", "clear_caches", "skeleton", "tokenize"]

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
_ABD_ARTICLES = frozenset("al el ul ar ur as us ad an ash adh".split())
_SKELETON_TABLE = str.maketrans("bpfvcgjkqxdtszlrmn", "bbffkkkkkkttssrrnn", "aeiouhwy0123456789")
_REPEATS = re.compile(r"(.)\1+")
# Latin letters and combining marks: a token made only of these is in Latin script.
_ABJAD = re.compile(r"[\u0590-\u08ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f0-9]+")


_SKELETON_TABLE_H = str.maketrans("bpfvcgjkqxdtszlrmn", "bbffkkkkkkttssrrnn", "aeiouwy0123456789")


def skeleton(plain: str, keep_h: bool = False) -> str:
    """The consonant outline of a lower-case ASCII token (see the module docstring).

    ``keep_h`` keeps h, which Arabic writes as a consonant (حداد, anyascii "hdd": Haddad).
    """
    table = _SKELETON_TABLE_H if keep_h else _SKELETON_TABLE
    return _REPEATS.sub(r"\1", plain.translate(table))


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

    __slots__ = (
        "_phonetic", "_skeleton", "abjad", "folded", "forms", "icao", "latin", "particle", "plain", "romanised",
        "syllabic", "text",
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        self.text = text
        if text.isascii():  # the common case: no transliteration needed
            self.icao = self.plain = text
            self.latin = True
            self.syllabic = self.abjad = False
        else:
            self.icao = _NON_ASCII_ALNUM.sub("", to_latin(text).lower())
            self.plain = _NON_ASCII_ALNUM.sub("", anyascii(text).lower())
            self.latin = _LATIN.fullmatch(text) is not None
            self.syllabic = len(text) == 1 and _is_syllabic(text)
            self.abjad = _ABJAD.search(text) is not None
        # The sound keys are computed on first use: most tokens meet their partner by spelling.
        self._phonetic = self._skeleton = None
        icao = self.icao
        self.folded = _FOLD.sub(_fold, icao) if _FOLD.search(icao) else icao
        self.romanised = _ROMAN.sub(_romanise, icao) if len(icao) >= 4 and "i" in icao else icao
        self.forms = frozenset((self.icao, self.plain, self.folded, self.romanised))
        self.particle = self.plain in PARTICLES

    @property
    def phonetic(self) -> str:
        """The Metaphone code of ``plain`` (``plain`` itself below three letters)."""
        if self._phonetic is None:
            plain = self.plain
            self._phonetic = metaphone(plain) if len(plain) >= 3 else plain
        return self._phonetic

    @property
    def skeleton(self) -> str:
        """The consonant outline of ``plain`` (see :func:`skeleton`)."""
        if self._skeleton is None:
            self._skeleton = skeleton(self.plain)
        return self._skeleton

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
        return _join_abd(tuple(_token(part) for part in _ASCII_SEPARATORS.sub(" ", text).split()))
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
    return _join_abd(tuple(tokens))


def _join_abd(tokens: tuple[NameToken, ...]) -> tuple[NameToken, ...]:
    """Arabic ``Abd`` and the article after it as one token: Abd al-Aziz is also Abdul Aziz.

    ``Abd`` ("servant of") never stands alone in a name, and romanisations write it with its
    article apart (Abd al-, Abd el-, Abd ul-) or joined (Abdul, Abdel, Abdal); one token per
    spelling lets the sound key relate them.
    """
    if len(tokens) < 2 or not any(t.plain == "abd" for t in tokens[:-1]):
        return tokens
    joined: list[NameToken] = []
    skip = False
    for k, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        if token.plain == "abd" and after is not None and after.plain in _ABD_ARTICLES:
            joined.append(_token(token.text + after.text))
            skip = True
        else:
            joined.append(token)
    return tuple(joined)


def clear_caches() -> None:
    """Forget every cached tokenisation (benchmarks measuring cold throughput)."""
    tokenize.cache_clear()
    _token.cache_clear()
