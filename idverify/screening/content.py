"""Content standards for profiles and job posts: gibberish, placeholders, unfinished text (pure).

Measuring is separate from deciding: :func:`gibberish_score` returns the share of a field's words
that are not words (keyboard runs such as ``asdfgh``, repeated syllables such as ``jkjkjk``,
strings a word-frequency list does not know), and :func:`gibberish` applies the threshold from
the settings. ``known(word)`` is injected: the screener passes ``wordfreq``'s English
frequency list (a word is known at a Zipf frequency of 1.5 or more, i.e. about 3 in 100 million
words), so this module does no I/O. Placeholders are whole fields such as "test test", "TBD",
"lorem ipsum", "[insert description]"; unfinished text stops on a word that cannot end a
sentence ("I am a developer with").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from idverify.screening.findings import Finding

__all__ = ["gibberish", "gibberish_score", "placeholder"]

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_REPEATED = re.compile(r"(.{1,3}?)\1{1,}")


def _keyboard_run(word: str) -> bool:
    """Four or more letters walking along one keyboard row (``asdf``, ``poiu``, ``hjkl``)."""
    run = 1
    for a, b in zip(word, word[1:]):
        adjacent = any(abs(row.find(a) - row.find(b)) == 1 for row in _ROWS if a in row and b in row)
        run = run + 1 if adjacent else 1
        if run >= 4:
            return True
    return False


def _nonsense(word: str, known: Callable[[str], bool]) -> bool:
    w = word.lower()
    if len(w) >= 4 and _REPEATED.fullmatch(w):
        return True
    if len(w) >= 4 and _keyboard_run(w):
        return True
    return len(w) >= 3 and not known(w)


def gibberish_score(text: str, known: Callable[[str], bool]) -> tuple[float, int]:
    """The share of the words of ``text`` that are nonsense, and the number of words."""
    words = _TOKEN.findall(text)
    if not words:
        return 0.0, 0
    return sum(_nonsense(w, known) for w in words) / len(words), len(words)


def gibberish(text: str, field: str, known: Callable[[str], bool], threshold: float) -> list[Finding]:
    """One GIBBERISH finding over the whole field when its nonsense share is ``threshold`` or more."""
    score, n = gibberish_score(text, known)
    if n == 0 or score < threshold:
        return []
    stripped = text.strip()
    start = text.find(stripped[:1]) if stripped else 0
    return [Finding("GIBBERISH", start, start + len(stripped), "", (), round(min(1.0, 0.5 + score / 2), 3), field,
                    detail=f"nonsense_share={score:.2f}")]


_PLACEHOLDER_FIELD = re.compile(
    r"(?:(?:test(?:ing)?|todo|tbd|tba|n/?a|none|null|nil|xxx*|x+|placeholder(?: text)?|description|untitled|"
    r"new (?:job )?post|sample|lorem ipsum|coming soon|to be (?:added|announced|confirmed|decided|written)"
    r"(?: later| soon)?|abc|foo|blah|dummy)[\s,.!?:;-]*)+|[.\-_?!*\s]+", re.IGNORECASE)
_PLACEHOLDER_ANYWHERE = re.compile(
    r"lorem ipsum|\[(?:insert|your|add|enter)[^\]]*\]|\b(?:description|text|title|bio) (?:goes )?here\b|"
    r"\bplease ignore\b|\bplaceholder\b|\bsample (?:job )?post\b|\bgoes here\b", re.IGNORECASE)
#: Words that cannot end a finished sentence.
_DANGLING = frozenset("a an the of to for with and or but who which that can could will would should is are was "
                      "my our your their in on at by from about as like includes include including such "
                      "than into over under".split())
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*$")


def placeholder(text: str, field: str) -> list[Finding]:
    """PLACEHOLDER findings: a placeholder field, placeholder words in it, or unfinished text."""
    stripped = text.strip()
    if not stripped:
        return []
    start = text.find(stripped)
    end = start + len(stripped)
    if _PLACEHOLDER_FIELD.fullmatch(stripped):
        return [Finding("PLACEHOLDER", start, end, "", (), 0.95, field, detail="placeholder_field")]
    m = _PLACEHOLDER_ANYWHERE.search(text)
    if m:
        return [Finding("PLACEHOLDER", m.start(), m.end(), "", (), 0.9, field, detail="placeholder_words")]
    if field == "description" and stripped[-1] not in ".!?)\"'…":
        last = _LAST_WORD.search(stripped)
        if last and last.group(1).lower() in _DANGLING:
            return [Finding("PLACEHOLDER", start, end, "", (), 0.7, field, detail="unfinished")]
    return []
