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
from itertools import groupby

from anyascii import anyascii
from jellyfish import metaphone

from idverify.icao.transliteration import to_latin

__all__ = ["PARTICLES", "NameToken", "clear_caches", "sino_key", "skeleton", "tokenize"]

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
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ROMAN_ENDINGS = frozenset(("ii", "iy", "ij", "yi"))
_ABD_ARTICLES = frozenset("al el ul ar ur as us ad an ash adh".split())
_SKELETON_TABLE = str.maketrans("bpfvcgjkqxdtszlrmn", "bbffkkkkkkttssrrnn", "aeiouhwy0123456789")
# Latin letters and combining marks: a token made only of these is in Latin script.
_ABJAD = re.compile(r"[\u0590-\u08ff]")
_LATIN = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f0-9]+")


_SKELETON_TABLE_H = str.maketrans("bpfvcgjkqxdtszlrmn", "bbffkkkkkkttssrrnn", "aeiouwy0123456789")


def skeleton(plain: str, keep_h: bool = False) -> str:
    """The consonant outline of a lower-case ASCII token (see the module docstring).

    ``keep_h`` keeps h, which Arabic writes as a consonant (حداد, anyascii "hdd": Haddad).
    """
    table = _SKELETON_TABLE_H if keep_h else _SKELETON_TABLE
    return "".join(letter for letter, _ in groupby(plain.translate(table)))  # repeats collapsed


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
        "_oblique", "_ocr", "_phonetic", "_sino", "_skeleton", "_unprefixed", "_vowel_key", "abjad", "folded", "forms", "icao", "latin", "particle", "plain", "romanised",
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
        self._phonetic = self._skeleton = self._ocr = self._unprefixed = self._vowel_key = self._sino = None
        self._oblique: bool | None = None
        icao = self.icao
        # Plain substring tests first: the patterns rarely occur and a regex call costs more.
        folded = "ae" in icao or "oe" in icao or "ue" in icao or "aa" in icao
        self.folded = _FOLD.sub(_fold, icao) if folded else icao
        roman = len(icao) >= 4 and ("iu" in icao or "ia" in icao or icao[-2:] in _ROMAN_ENDINGS)
        self.romanised = _ROMAN.sub(_romanise, icao) if roman else icao
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

    @property
    def ocr(self) -> tuple[str, str]:
        """``icao`` and ``plain`` with OCR-B confusions folded (rn -> m, 0 -> o, 5 -> s ...)."""
        if self._ocr is None:
            plain = _ocr_fold(self.plain)
            self._ocr = (plain if self.icao == self.plain else _ocr_fold(self.icao), plain)
        return self._ocr

    @property
    def oblique(self) -> bool:
        """A Russian (or other Slavic) patronymic in an oblique case (-vicha, -vichu, -vnoy,
        -vny) or an adjectival surname in the genitive or dative (-skogo, -skomu): the name it
        belongs to is declined as a whole, as in "a letter to Olega Ivanovicha"."""
        if self._oblique is None:
            self._oblique = _OBLIQUE.search(self.plain) is not None
        return self._oblique

    @property
    def sino(self) -> str:
        """``plain`` with Wade-Giles conventions folded towards pinyin (see :func:`sino_key`)."""
        if self._sino is None:
            self._sino = sino_key(self.plain)
        return self._sino

    @property
    def unprefixed(self) -> str:
        """``plain`` without up to two leading surname particles (delossantos -> santos)."""
        if self._unprefixed is None:
            self._unprefixed = _strip_particles(self.plain)
        return self._unprefixed

    @property
    def vowel_key(self) -> str:
        """``plain`` with y after the first letter read as i, sch as sh, ph as f, each run of
        vowels as its first vowel and doubled letters single: Maisa and Mayesa are both
        ``masa``, Brian and Bryan ``brin``, while Jean (``jen``) and Joan (``jon``) stay apart."""
        if self._vowel_key is None:
            plain = self.plain
            text = (plain[:1] + plain[1:].replace("y", "i")).replace("sch", "sh").replace("ph", "f")
            self._vowel_key = _VOWEL_RUN.sub(_first_letter, text)
        return self._vowel_key

    def __repr__(self) -> str:
        return f"NameToken({self.plain!r})"


# OCR-B and typeface confusions seen when machine-readable zones and printed names are read:
# multi-character ones first, then single characters folded to one representative.
_OCR_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_OCR_TABLE = str.maketrans("0qd1l58z26v", "ooo" + "ii" + "sb" + "zz" + "gu")
# Particles that appear glued to the surname in an MRZ, longest first so DELLA wins over DE.
_PARTICLE_PREFIX = re.compile(
    "|".join(sorted((p for p in PARTICLES if len(p) >= 2), key=len, reverse=True))
)
_OBLIQUE = re.compile(
    r"(?:ovich|evich|ich)(?:a|u|em|om|e)$|(?:ovn|evn|ichn)(?:y|oy|oi|oj|u|e)$|(?:sk|ck)(?:ogo|omu)$"
)
_VOWEL_RUN = re.compile(r"([aeiou])[aeiou]+|([^aeiou])\2+")


# Wade-Giles (and older Korean) spellings folded towards pinyin: hs -> x, ts/tz -> z, ch -> j,
# unaspirated stops written voiceless -> voiced, -ung -> -ong. Lossy on purpose (Wade-Giles
# drops the apostrophe that told t' from t), so a key match is only a near miss.
_SINO = re.compile(r"hs|ts|tz|ch|ung|t|k|p")
_SINO_MAP = {"hs": "x", "ts": "z", "tz": "z", "ch": "j", "ung": "ong", "t": "d", "k": "g", "p": "b"}


def sino_key(plain: str) -> str:
    """The spelling of ``plain`` with Wade-Giles conventions folded (Tse-tung, Zedong: zedong)."""
    return _SINO.sub(lambda m: _SINO_MAP[m.group(0)], plain)


def _ocr_fold(text: str) -> str:
    for pair, single in _OCR_PAIRS:
        text = text.replace(pair, single)
    return text.translate(_OCR_TABLE)


def _strip_particles(text: str) -> str:
    """``text`` without up to two leading surname particles (DELOSSANTOS -> SANTOS)."""
    for _ in range(2):
        match = _PARTICLE_PREFIX.match(text)
        if match is None or len(text) - match.end() < 3:
            break
        text = text[match.end() :]
    return text


def _first_letter(match: re.Match[str]) -> str:
    return match.group(0)[0]


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
        tokens = tuple(map(_token, _ASCII_WORD.findall(text)))
        return _join_abd(tokens) if "abd" in text else tokens  # an ASCII token is its own plain
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
