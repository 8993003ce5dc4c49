"""Profanity, threats and harassment in English (pure, over a word list passed in).

- profanity: words of ``better-profanity``'s maintained word list (about 900 English words and
  spellings, shipped in its wheel), minus :data:`NOT_PROFANE`, words that are ordinary in a
  marketplace ("kill switch", "sex education", "screw" threads, "xxx" placeholders); read in
  the words view (leetspeak folded, spaced letters joined) and with ``*`` as a hidden letter
  ("f*cking").
- threat: phrases of intent to harm ("I will hurt you", "I know where you live", "watch your
  back", "you'll regret this").
- harassment: insults aimed at the reader ("you are a worthless idiot", "shut up, moron",
  "nobody likes you").

English only; other languages pass unscreened for these three categories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from idverify.screening.findings import Finding
from idverify.screening.normalize import LEETSPEAK, Mapped, disguises_of

__all__ = ["NOT_PROFANE", "ProfanityList", "harassment", "profanity", "threats"]

#: Words of the list that are not profane where people hire and work (kept out of the decision).
NOT_PROFANE = frozenset({"kill", "god", "gay", "sex", "sexy", "hell", "screw", "screwing", "suck", "sucks", "xxx",
                         "crap", "damn", "balls", "nut", "nuts", "hardcore", "drunk", "lust", "nude", "naked",
                         "pot", "weed", "hemp", "strip", "stripper", "hooker", "kinky", "lesbian", "homo", "sadist",
                         "panty", "panties", "wtf", "ugly", "fat", "idiot", "stupid", "dumb", "moron", "loser"})
#: 1 reads as l as well as i ("bu11shit"): the alternative reading tried for leetspeak words.
_ALT_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "l", "!": "i", "|": "l", "0": "o", "5": "s", "$": "s",
                           "7": "t"})
_WORD = re.compile(r"[a-z*]+")


class ProfanityList:
    """The profane words, as a set and (for ``*`` spellings) by length."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w.strip().lower() for w in words if w.strip() and " " not in w.strip()) - NOT_PROFANE

    def matches(self, token: str) -> bool:
        """Whether ``token`` is a listed word, ``*`` standing for one or more hidden letters."""
        if "*" not in token:
            return token in self.words
        stripped = token.strip("*")
        if len(stripped) < 2 or "*" not in stripped:
            return stripped in self.words
        pattern = re.compile(re.escape(stripped).replace(r"\*", "[a-z]{0,3}") + "$")
        return any(pattern.match(w) for w in self.words if w[0] == stripped[0])


def profanity(words: Mapped, original: str, listed: ProfanityList) -> list[Finding]:
    """Profane words in the words view."""
    text = words.text
    if "*" not in text and not (words.tags and any(t & LEETSPEAK for t in words.tags)) \
            and listed.words.isdisjoint(_WORD.findall(text)):
        return []  # the common case, decided in C
    found = []
    for m in _WORD.finditer(text):
        token = m.group(0)
        hit = listed.matches(token)
        if not hit and words.tag(m.start(), m.end()) & LEETSPEAK:
            start, end = words.span(m.start(), m.end())
            hit = listed.matches(original[start:end].lower().translate(_ALT_LEET))
        if hit:
            start, end = words.span(m.start(), m.end())
            found.append(Finding("PROFANITY", start, end, "", tuple(disguises_of(words.tag(m.start(), m.end()))),
                                 0.9, detail="word_list"))
    return found


_THREATS = re.compile(
    r"\bi(?:'ll| will|'m going to| am going to|'m gonna| am gonna| gonna)\s+(?:\w+\s+)?"
    r"(?:kill|hurt|beat|destroy|ruin|stab|shoot|find|come for|get|break)\s+(?:you|your|where you)\b"
    r"|\b(?:i|we)\s+know\s+where\s+you\s+live\b|\bfind\s+where\s+you\s+live\b"
    r"|\bwatch\s+your\s+back\b|\byou(?:'ll| will)\s+regret\b|\bmake\s+you\s+pay\b"
    r"|\bsomething\s+bad\s+will\s+happen\b|\byou(?:'re| are)\s+dead\b|\bi\s+will\s+kill\b"
)
_INSULT = (r"(?:idiot|moron|loser|stupid|dumb|worthless|useless|pathetic|clown|imbecile|fool|scum|trash|garbage|"
           r"retard(?:ed)?|cretin|halfwit|dimwit|incompetent)")
_HARASS = re.compile(
    r"\byou(?:'re| are|r)?\s+(?:a\s+|an\s+|such\s+an?\s+|so\s+|just\s+a\s+|absolute\s+|an?\s+absolute\s+)?"
    r"(?:\w+\s+){0,2}?" + _INSULT + r"\b"
    r"|\byou\s+" + _INSULT + r"\b"
    r"|\bshut\s+up\b[,.!]?\s*(?:you\s+)?(?:\w+\s+)?" + _INSULT +
    r"|\b(?:no\s*one|nobody)\s+(?:likes|wants|cares\s+about)\s+(?:you|to\s+work\s+with\s+(?:a\s+)?\w+\s+like\s+you)\b"
    r"|\b" + _INSULT + r"\s+like\s+you\b"
)


def _phrases(pattern: re.Pattern[str], category: str, words: Mapped, confidence: float) -> list[Finding]:
    found = []
    for m in pattern.finditer(words.text):
        start, end = words.span(m.start(), m.end())
        found.append(Finding(category, start, end, "", tuple(disguises_of(words.tag(m.start(), m.end()))),
                             confidence, detail="phrase"))
    return found


def threats(words: Mapped) -> list[Finding]:
    """Threat phrases in the words view."""
    return _phrases(_THREATS, "THREAT", words, 0.85)


def harassment(words: Mapped) -> list[Finding]:
    """Insults aimed at the reader in the words view."""
    return _phrases(_HARASS, "HARASSMENT", words, 0.8)
