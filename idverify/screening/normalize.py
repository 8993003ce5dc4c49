"""Undo disguises while keeping every character's place in the original text (pure, no I/O).

A :class:`Mapped` text is a string whose characters each know the span of the original text they
came from and which disguises produced them (a bit mask of :data:`DISGUISE_BITS`). Each step
rewrites the previous view and composes the spans, so a finding in any view maps back to the
exact characters the sender typed:

- :func:`fold`: Unicode NFKC (full-width digits, ligatures) and homoglyph folding (Cyrillic
  ``а`` to Latin ``a``, from the table :mod:`idverify.screening.homoglyphs` builds); text after
  a right-to-left override (U+202E) in the order the reader sees it.
- :func:`at_dot_view`: ``at``/``dot`` words (and ``arroba``, ``Punkt``, ``собака``, ``точка``...),
  defanged ``[.]``/``(@)`` and spaced ``@``/``.`` become ``@`` and ``.``.
- :func:`words_view`: lower case, spelled-out digits (``five`` to ``5``), runs of single
  characters with separators between them joined (``w h a t s a p p``, ``p.a.y.p.a.l``,
  ``5 5 5 0 1 2 3``) and leetspeak folded inside words that mix letters with digits or symbols
  (``t3l3gram``, ``a$$hole``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import or_

__all__ = ["AT_DOT", "DISGUISE_BITS", "HOMOGLYPH", "LEETSPEAK", "Mapped", "SEPARATORS", "SPELLED_DIGITS",
           "UNICODE", "at_dot_view", "disguises_of", "dot_view", "fold", "words_view"]

UNICODE = 1
HOMOGLYPH = 2
AT_DOT = 4
SPELLED_DIGITS = 8
SEPARATORS = 16
LEETSPEAK = 32
#: Bit to the disguise name the API reports.
DISGUISE_BITS: Mapping[int, str] = {UNICODE: "unicode", HOMOGLYPH: "homoglyph", AT_DOT: "at_dot_words",
                                    SPELLED_DIGITS: "spelled_digits", SEPARATORS: "separators",
                                    LEETSPEAK: "leetspeak"}


_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Mapped:
    """A view of an original text: ``text[i]`` came from ``original[starts[i]:ends[i]]``.

    ``starts``/``ends``/``tags`` are None while the view is the original itself (the common case,
    kept cheap); ``tags[i]`` is the bit mask of disguises undone to produce ``text[i]``.
    """

    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    tags: tuple[int, ...] | None = None
    #: Some characters stand in another order than in the original (a right-to-left override).
    reordered: bool = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span (characters, end exclusive) of ``text[start:end]``."""
        if self.starts is None:
            return start, end
        if self.reordered:
            return min(self.starts[start:end]), max(self.ends[start:end])
        return self.starts[start], self.ends[end - 1]

    @property
    def digits(self) -> int:
        """How many decimal digits (``\\d``) the view has: the number detectors' quick test
        (counted once; kept beside the fields, which stay frozen)."""
        count = self.__dict__.get("_digits")
        if count is None:
            count = self.__dict__["_digits"] = len(_ANY_DIGIT.findall(self.text))
        return count

    def tag(self, start: int, end: int) -> int:
        """The disguises undone anywhere in ``text[start:end]``."""
        if self.tags is None:
            return 0
        return reduce(or_, self.tags[start:end], 0)

    def _arrays(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        if self.starts is None:
            n = len(self.text)
            return tuple(range(n)), tuple(range(1, n + 1)), (0,) * n
        return self.starts, self.ends, self.tags

    def rewrite(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None], bit: int) -> Mapped:
        """Replace each match of ``pattern`` by ``replace(match)`` (None keeps it), tagging ``bit``.

        The replacement's characters all map to the span of the whole match, so a finding that
        covers any of them covers everything the match consumed.
        """
        text = self.text
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        tags: list[int] = []
        old_s, old_e, old_t = None, None, None
        last = 0
        for m in pattern.finditer(text):
            new = replace(m)
            if new is None or new == m.group(0):
                continue
            if old_s is None:
                old_s, old_e, old_t = self._arrays()
            a, b = m.span()
            pieces.append(text[last:a])
            starts.extend(old_s[last:a])
            ends.extend(old_e[last:a])
            tags.extend(old_t[last:a])
            if new:
                mask = reduce(or_, old_t[a:b], bit)
                pieces.append(new)
                lo, hi = self.span(a, b)
                starts.extend([lo] * len(new))
                ends.extend([hi] * len(new))
                tags.extend([mask] * len(new))
            last = b
        if old_s is None:
            return self
        pieces.append(text[last:])
        starts.extend(old_s[last:])
        ends.extend(old_e[last:])
        tags.extend(old_t[last:])
        return Mapped("".join(pieces), tuple(starts), tuple(ends), tuple(tags), self.reordered)

    def lower(self) -> Mapped:
        """The view in lower case (one character each for the scripts screened; others kept);
        made once, however many views start from it."""
        low = self.__dict__.get("_lower")
        if low is None:
            text = self.text.lower()
            # e.g. "İ" lowers to two characters: keep the case
            low = self if len(text) != len(self.text) else Mapped(text, self.starts, self.ends, self.tags,
                                                                    self.reordered)
            self.__dict__["_lower"] = low
        return low


def disguises_of(mask: int) -> list[str]:
    """The disguise names in ``mask``, in :data:`DISGUISE_BITS` order."""
    return [name for bit, name in DISGUISE_BITS.items() if mask & bit]


_RLO, _PDF = "\u202e", "\u202c"
_MIRROR = str.maketrans("()[]{}<>", ")(][}{><")


def _display_order(original: str) -> list[int]:
    """Indices of ``original`` in the order a reader sees them: each run after a right-to-left
    override (U+202E) up to its pop (U+202C) or the end of the line is shown reversed, so
    ``"\u202emoc.elpmaxe@nhoj"`` reads ``john@example.com`` on the screen."""
    order: list[int] = []
    i, n = 0, len(original)
    while i < n:
        if original[i] != _RLO:
            order.append(i)
            i += 1
            continue
        j = i + 1
        while j < n and original[j] not in (_PDF, "\n", _RLO):
            j += 1
        order.append(i)
        order.extend(range(j - 1, i, -1))
        i = j
    return order


def fold(original: str, homoglyphs: Mapping[int, str]) -> Mapped:
    """NFKC each character and fold homoglyphs to their Latin or digit look-alike, keeping case.

    Invisible characters are dropped: format characters (zero-width space and joiners, soft
    hyphen, word joiner, bidirectional overrides; Unicode category Cf) anywhere, and combining
    marks on a Latin letter or digit (``5\u0301``). They hide ``john\u200b@gmail.com`` from a
    reader of code points, not from a reader of the screen. The next character kept carries the
    ``unicode`` disguise, so a finding across them says how it was hidden. Text after a
    right-to-left override is put in the order it is displayed in (brackets mirrored), each of
    its characters tagged ``unicode``."""
    if original.isascii():
        return Mapped(original)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    tags: list[int] = []
    hidden = 0
    reordered = _RLO in original
    chars = ((i, original[i]) for i in _display_order(original)) if reordered else enumerate(original)
    flipped = 0
    for i, ch in chars:
        if reordered:
            if ch == _RLO:
                flipped = 1
            elif ch in (_PDF, "\n"):
                flipped = 0
            if flipped:
                hidden = UNICODE
                ch = ch.translate(_MIRROR)
        if ch.isascii():
            out, bit = ch, 0
        else:
            category = unicodedata.category(ch)
            if category == "Cf" or (category == "Mn" and pieces and pieces[-1][-1:].isascii()
                                    and pieces[-1][-1:].isalnum()):
                hidden = UNICODE
                continue
            folded = homoglyphs.get(ord(ch))
            if folded is not None:
                out, bit = folded, HOMOGLYPH
            else:
                out = unicodedata.normalize("NFKC", ch)
                bit = UNICODE if out != ch else 0
                if out != ch and len(out) == 1 and ord(out) in homoglyphs:
                    out, bit = homoglyphs[ord(out)], UNICODE | HOMOGLYPH
        if out:
            bit |= hidden
            hidden = 0
        pieces.append(out)
        starts.extend([i] * len(out))
        ends.extend([i + 1] * len(out))
        tags.extend([bit] * len(out))
    return Mapped("".join(pieces), tuple(starts), tuple(ends), tuple(tags), reordered)


def _folded_word(word: str) -> str:
    """A pattern for a Cyrillic word as :func:`fold` leaves it: letters with a Latin or digit
    look-alike may have become it (``собака`` reads ``co6aкa``)."""
    look = {"а": "a", "б": "6", "с": "c", "к": "k", "о": "o0", "т": "t", "е": "e", "р": "p"}
    return "".join(f"[{c}{look[c]}]" if c in look else c for c in word)


#: The "at" sign and the dot as words in other languages (Spanish and Portuguese "arroba", Italian
#: "chiocciola", German "Klammeraffe", Polish "małpa", Russian "собака"; "punto", "ponto",
#: "Punkt", "kropka", "точка"); "point" is left out, an English word too ("the point net").
_AT_WORDS = r"arroba|chiocciola|klammeraffe|ma[łl]pa|" + _folded_word("собака")
#: Before a suffix of the language's countries or a generic one only ("punto com"): "punto de
#: venta" is Spanish for point of sale.
_GENERIC = "com|net|org|eu|io|info"
_DOT_WORDS = (r"(?:punto|ponto)(?=\s*(?:es|mx|ar|cl|co|pe|it|pt|br|" + _GENERIC + r")\b)"
              r"|punkt(?=\s*(?:de|at|ch|" + _GENERIC + r")\b)|kropka(?=\s*(?:pl|" + _GENERIC + r")\b)"
              r"|" + _folded_word("точка") + r"(?=\s*(?:ru|ua|by|kz|su|" + _GENERIC + r")\b)")
# "john at example dot com", "john (at) example [dot] com", "john @ example . com", "john(@)x[.]com"
# (written as the space, bracket or "@" it starts with, then the word character before it checked
# by a look-behind, so the engine skips ahead to one: "\s*[(]...", "\s+at\s+", "\s+@\s*", "@\s+")
_AT = re.compile(r"[\s(\[{<@](?<=\w[\s(\[{<@])(?:(?<=\s)(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*|\s*at\s+|\s*@\s*)"
                 r"|(?<=[(\[{<])\s*(?:at|@)\s*[)\]}>]\s*|(?<=@)\s+)(?=\w)", re.IGNORECASE)
# A dot word, a defanged dot ("[.]"), or a dot with spaces on both sides (". " alone ends a sentence).
_DOT = re.compile(r"(?<=\w)(?:\s*[(\[{<]\s*(?:d[o0]t|\.)\s*[)\]}>]\s*|\s+d[o0]t\s+|\s+\.\s+)(?=[a-z0-9])",
                  re.IGNORECASE)
_AT_FOREIGN = re.compile(r"(?<=\w)\s+(?:" + _AT_WORDS + r")\s+(?=\w)", re.IGNORECASE)
_DOT_FOREIGN = re.compile(r"(?<=\w)\s+(?:" + _DOT_WORDS + r")\s+(?=[a-z0-9])", re.IGNORECASE)
# An address spelled out one character at a time: "j o r d a n @ e x a m p l e . c o m" (after
# the at/dot words are read, so "j o h n at g m a i l dot c o m" too); six characters at least.
_SPACED = re.compile(r"(?<![\w@.])[a-z0-9](?:(?: ?[@.] ?| )[a-z0-9](?![a-z0-9])){5,}")
_SPACED_HINT = re.compile(r" [a-z0-9] [a-z0-9] [a-z0-9][ @.]")  # starts with a space: a quick search
# A defanged scheme: "hxxps://", "https[:]//".
_SCHEME = re.compile(r"\bh(?:tt|xx)p(s?)(?:\[:\]|\(:\)|:)//")


def _has_at(text: str) -> bool:
    # a substring test first: the search costs far more when it finds nothing
    return "@" in text or " at " in text or "at)" in text or "at]" in text or "at}" in text or "at>" in text


def _has_dot_words(text: str) -> bool:
    # the first test of each group is the rare one, so a text without any costs four tests
    return (("dot" in text
             and (" dot " in text or "dot)" in text or "dot]" in text or "dot}" in text or "dot>" in text))
            or "d0t" in text
            or " . " in text
            or ((")" in text or "]" in text or "}" in text or ">" in text)
                and (".]" in text or ".)" in text or ". ]" in text or ". )" in text or ".}" in text or ".>" in text)))


def _has_foreign(text: str) -> bool:
    return ("arroba" in text or "chiocciola" in text or "klammeraffe" in text or "pa " in text or "б" in text
            or "6a" in text or "6а" in text or "punto" in text or "ponto" in text or "punkt" in text
            or "kropka" in text
            or "ч" in text)


def dot_view(view: Mapped) -> Mapped:
    """``dot`` words and spaced dots as ``.`` (lower case): the view web addresses are read in."""
    low = view.lower()
    text = low.text
    if "hxxp" in text or ":]" in text or ":)" in text:
        low = low.rewrite(_SCHEME, lambda m: f"http{m.group(1)}://", AT_DOT)
    out = low.rewrite(_DOT, lambda m: ".", AT_DOT) if _has_dot_words(text) else low
    if " . " in text and _SPACED_HINT.search(text):
        out = out.rewrite(_SPACED, _unspace, SEPARATORS)
    if "punto" in text or "ponto" in text or "punkt" in text or "kropka" in text or "ч" in text:
        out = out.rewrite(_DOT_FOREIGN, lambda m: ".", AT_DOT)
    return out


def _unspace(m: re.Match[str]) -> str:
    return m.group(0).replace(" ", "")


def at_dot_view(view: Mapped) -> Mapped:
    """``at``/``dot`` words and spaced ``@``/``.`` as ``@`` and ``.`` (lower case).

    A bare " at " becomes ``@`` too ("meet at noon" reads "meet@noon"): harmless, because an
    address needs a dot-separated domain with a public suffix after it and a local part that is
    not an English function word, which the e-mail detector checks.
    """
    low = view.lower()
    text = low.text
    foreign = _has_foreign(text)
    has_at = _has_at(text)
    if not has_at and not foreign and not _has_dot_words(text):
        return low
    out = low.rewrite(_AT, lambda m: "@", AT_DOT) if has_at else low
    if foreign:
        out = out.rewrite(_AT_FOREIGN, lambda m: "@", AT_DOT).rewrite(_DOT_FOREIGN, lambda m: ".", AT_DOT)
    out = out.rewrite(_DOT, lambda m: ".", AT_DOT) if _has_dot_words(out.text) else out
    return out.rewrite(_SPACED, _unspace, SEPARATORS) if "@" in out.text and _SPACED_HINT.search(text) else out


_DIGIT_WORDS = {"zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6",
                "seven": "7", "eight": "8", "nine": "9", "plus": "+"}
_ONE_DIGIT = r"(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine)"
# "double"/"triple" last: tried only where no digit word starts (the run search is per position)
_DIGIT_WORD = r"(?:" + _ONE_DIGIT[3:-1] + r"|plus|(?:double|triple)\s+" + _ONE_DIGIT + ")"
# Two or more digit words or digits in a row ("five five five", "077009 zero zero"): a single
# digit word is English ("no one likes", "five years") and stays a word.
_SPELLED_RUN = re.compile(r"\b(?:" + _DIGIT_WORD + r"|\d+)(?:[\s,\-]+(?:" + _DIGIT_WORD + r"|\d+)\b)+")
_SPELLED = re.compile(r"\b" + _DIGIT_WORD + r"\b")
# A digit word anywhere: the cheap test before the run search ("double" needs one after it).
_ANY_SPELLED = re.compile(r"\b(?:zero|oh|nought|one|two|three|four|five|six|seven|eight|nine|plus)\b")
# Three or more single characters with one separator between each: "w h a t s a p p",
# "p.a.y.p.a.l", "5-5-5-0-1-2-3", "+ 4 4". Single digits may be joined by ", " as well ("a, b,
# c" is a list, so letters may not).
# (a digit first, the character before it checked by the look-behind after it: the engine then
# skips ahead to the digits)
_DIGIT_RUN = re.compile(r"[\d+](?<![\w@$][\d+])(?:[ .\-_*/]|, ?)(?:[\d+](?:[ .\-_*/]|, ?))+\d(?![\w@$])")
_RUN = re.compile(r"(?<![\w@$])(?:[\w@$+](?: ?[.\-_*/] ?| )){2,}[\w@$](?![\w@$])")
_RUN_SEP = re.compile(r"[ .\-_*/,]+")
# The start every run has (two single characters, each with a separator after it): the quick
# search before the run search, which costs more where it finds nothing.
_RUN_HINT = re.compile(r"(?<![\w@$])[\w@$+](?: ?[.\-_*/] ?| )[\w@$+](?: ?[.\-_*/] ?| )[\w@$]")
# A word that mixes letters with digits or symbols; it may not end in "!" or "|" (punctuation).
_LEET_TOKEN = re.compile(r"(?<![\w@$!|])(?=[a-z0-9@$!|]*[a-z])(?=[a-z0-9@$!|]*[0-9@$!|])[a-z0-9@$!|]{2,}[a-z0-9@$]"
                         r"(?![\w@$])")
# A letter beside a digit or a symbol, which every such word has: the quick search before it
# (the symbol first, so the engine skips ahead to one).
_LEET_HINT = re.compile(r"[0-9@$!|](?:(?<=[a-z].)|[a-z])")
_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "i", "!": "i", "|": "l", "0": "o", "5": "s", "$": "s",
                       "7": "t", "8": "b", "9": "g"})


def _join_run(m: re.Match[str]) -> str | None:
    parts = [p for p in _RUN_SEP.split(m.group(0)) if p]
    if any(len(p) != 1 for p in parts):
        return None
    return "".join(parts)


def _join_comma_run(m: re.Match[str]) -> str | None:
    # only runs with a comma: the others are joined with their letters ("D E 8 9" is an IBAN)
    return _join_run(m) if "," in m.group(0) else None


def _unleet(m: re.Match[str]) -> str | None:
    token = m.group(0)
    if token[0] == "@" and token[1:].isalpha():
        return None  # a handle ("@jordan"), not "a" for "@"
    letters = sum(c.isalpha() for c in token)
    if letters < len(token) - letters:
        return None  # mostly digits: a code, an IBAN or a number with a unit, not leetspeak
    return token.translate(_LEET)


def _spell_run(m: re.Match[str]) -> str:
    """Digit words as digits; "double oh" and "triple five" (how British numbers are read out)
    as "00" and "555"."""
    return _SPELLED.sub(_spell_word, m.group(0))


def _spell_word(w: re.Match[str]) -> str:
    word = w.group(0)
    if word.startswith(("double", "triple")):
        times, digit = word.split()
        return _DIGIT_WORDS[digit] * (2 if times == "double" else 3)
    return _DIGIT_WORDS[word]


def words_view(view: Mapped) -> Mapped:
    """Lower case, spelled digits as digits, single characters with separators joined, leetspeak
    folded: the view keyword, phone-run and abuse detectors read."""
    low = view.lower()
    out = low.rewrite(_SPELLED_RUN, _spell_run, SPELLED_DIGITS) if _ANY_SPELLED.search(low.text) else low
    if "," in out.text:  # only runs with a comma are joined here
        out = out.rewrite(_DIGIT_RUN, _join_comma_run, SEPARATORS)
    if _RUN_HINT.search(out.text):
        out = out.rewrite(_RUN, _join_run, SEPARATORS)
    return out.rewrite(_LEET_TOKEN, _unleet, LEETSPEAK) if _LEET_HINT.search(out.text) else out
