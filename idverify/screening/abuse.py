"""Profanity, threats and harassment in English (pure, over a word list passed in).

- profanity: words of ``better-profanity``'s maintained word list (about 900 English words and
  spellings, shipped in its wheel), minus :data:`NOT_PROFANE`, words that are ordinary in a
  marketplace ("kill switch", "sex education", "screw" threads, "xxx" placeholders); read in
  the words view (leetspeak folded, spaced letters joined) and with ``*`` as a hidden letter
  ("f*cking").
  A few spellings the list lacks are added (:data:`EXTRA_PROFANE`: "ffs", "fcking", "bloody"),
  and a word with only its first letter shown ("f***") is read as the listed words of its length.
- threat: phrases of intent to harm ("I will hurt you", "I know where you live", "watch your
  back"), conditional ones ("you'll be sorry", "I'll make you regret it"), through others ("I
  know people who can hurt your business") and doxxing ("I'll post your address online").
- harassment: insults aimed at the reader ("you are a worthless idiot", "shut up, moron",
  "nobody likes you", "do your job, loser", "kill yourself").

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
                         "damn", "balls", "nut", "nuts", "hardcore", "drunk", "lust", "nude", "naked",
                         "pot", "weed", "hemp", "strip", "stripper", "hooker", "kinky", "lesbian", "homo", "sadist",
                         "panty", "panties", "ugly", "fat", "idiot", "stupid", "dumb", "moron", "loser"})
#: Spellings the list lacks: abbreviations and vowel-less forms ("ffs", "fcking") and the British
#: "bloody" (not before "mary"); "fk" is left out, a foreign key to developers.
EXTRA_PROFANE = frozenset({"ffs", "omfg", "fml", "fck", "fcking", "fckin", "fcker", "fcuk", "fuk", "fukin", "fuking",
                           "fking", "fkn", "fkin", "effing", "bloody", "sht", "shtty", "azz", "bs'ing"})
#: Words that stay profane inside a compound the list lacks ("shitshow", "fuckwit").
_STRONG = ("fuck", "shit", "bullshit", "bitch", "cunt", "motherfuck", "asshole")
#: Only the first letter shown ("f***", "s***"): one of these by length and first letter.
_STARRED = re.compile(r"[a-z]\*{2,}$")
#: 1 reads as l as well as i ("bu11shit"): the alternative reading tried for leetspeak words.
_ALT_LEET = str.maketrans({"4": "a", "@": "a", "3": "e", "1": "l", "!": "i", "|": "l", "0": "o", "5": "s", "$": "s",
                           "7": "t"})
_WORD = re.compile(r"[a-z*]+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")



class ProfanityList:
    """The profane words, as a set and (for ``*`` spellings) by length."""

    def __init__(self, words: Iterable[str]) -> None:
        listed = frozenset(w.strip().lower() for w in words if w.strip() and " " not in w.strip())
        self.words = (listed | EXTRA_PROFANE) - NOT_PROFANE
        self._shapes = frozenset((w[0], len(w)) for w in self.words if w.isalpha())

    def matches(self, token: str) -> bool:
        """Whether ``token`` is a listed word, ``*`` standing for one or more hidden letters
        (``f*cking``), or, with only its first letter shown, for exactly as many (``f***``)."""
        if "*" not in token:
            return token in self.words
        if _STARRED.match(token):
            return (token[0], len(token)) in self._shapes
        stripped = token.strip("*")
        if len(stripped) < 2 or "*" not in stripped:
            return stripped in self.words
        pattern = re.compile(re.escape(stripped).replace(r"\*", "[a-z]{0,3}") + "$")
        return any(pattern.match(w) for w in self.words if w[0] == stripped[0])


def profanity(words: Mapped, original: str, listed: ProfanityList) -> list[Finding]:
    """Profane words in the words view."""
    text = words.text
    # a drawn-out vowel ("fuuuck") or a strong word inside a longer one ("shitshow")
    elongated = "uuu" in text or "iii" in text or "aaa" in text or "ooo" in text or "eee" in text or "sss" in text
    if "*" not in text and not (words.tags and any(t & LEETSPEAK for t in set(words.tags))) and not elongated \
            and listed.words.isdisjoint(_WORD.findall(text)) and "fuck" not in text and "shit" not in text \
            and "bitch" not in text and "cunt" not in text and "asshole" not in text:
        return []  # the common case, decided in C
    found = []
    for m in _WORD.finditer(text):
        token = m.group(0)
        hit = (listed.matches(token) or (token.startswith(_STRONG) and not token.startswith("shitak"))) \
            and not (token == "bloody" and text.startswith(" mary", m.end()))
        if not hit and elongated and len(set(token)) > 2 and _ELONGATED.search(token):  # "fuuuck"; not "xxx"
            hit = listed.matches(_ELONGATED.sub(r"\1", token)) or listed.matches(_ELONGATED.sub(r"\1\1", token))
        if not hit and words.tag(m.start(), m.end()) & LEETSPEAK:
            start, end = words.span(m.start(), m.end())
            hit = listed.matches(original[start:end].lower().translate(_ALT_LEET))
        if hit:
            start, end = words.span(m.start(), m.end())
            found.append(Finding("PROFANITY", start, end, "", tuple(disguises_of(words.tag(m.start(), m.end()))),
                                 0.9, detail="word_list"))
    return found


_I_WILL = r"(?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to|'m gonna| am gonna| gonna)"
_YOU_WILL = r"you(?:'ll| will|'re going to| are going to|'re gonna| are gonna| gonna)"
# Threat phrases in groups, each with the words one of which its every phrase has (below).
_THREAT_I_WILL = re.compile(
    r"\b" + _I_WILL + r"\s+(?:\w+\s+)?"
    r"(?:kill|hurt|beat|destroy|ruin|stab|shoot|find|come for|come after|get|break|end|expose|dox|doxx|track down|"
    r"hunt down|bury)\s+(?:you|your|where you)\b"
    r"|\b(?:i'?m|we'?re|i am|we are)\s+coming\s+(?:for|after)\s+you\b|\bi\s+will\s+kill\b"
    r"|\b" + _I_WILL + r"\s+(?:\w+\s+)?(?:show|turn)\s+up\s+at\s+your\s+(?:house|home|door|place)\b"
)
_THREAT_WHERE = re.compile(
    r"\b(?:i|we)\s+know\s+where\s+you\s+(?:live|work|sleep)\b"
    r"|\b(?:find|found|figure|track|look)\s+(?:out\s+)?(?:down\s+)?where\s+you\s+(?:live|work|sleep)\b"
    r"|\bknow\s+where\s+your\s+(?:office|house|home|family|kids|children|wife|husband)\s+(?:is|are|lives?)\b"
    r"|\beveryone\s+will\s+know\s+(?:where\s+you\s+live|who\s+you\s+are|your\s+real\s+name)\b"
    r"|\btell\s+(?:everyone|everybody|the\s+world|people)\s+where\s+you\s+(?:live|work)\b"
)
# conditional: "you'll be sorry", "I'll make you regret it", "you'll pay for this", "or else"
_THREAT_IF = re.compile(
    r"\b" + _YOU_WILL + r"\s+(?:really\s+|so\s+)?(?:be\s+sorry|regret)\b(?!\s+to\s+(?:hear|see|know|learn|miss))"
    r"(?!\s+(?:nothing|not|never)\b)"
    r"|\bmake\s+(?:you|sure\s+you)\s+(?:\w+\s+)?(?:pay|regret|suffer|sorry)\b"
    r"(?!\s+(?:for\s+)?(?:the|via|with|through|by|on|in|upfront))"
    r"|\b" + _YOU_WILL + r"\s+pay\s+for\s+(?:this|that|it)\b(?=\s*(?:[.!,]|$))"
    r"|\byou\s+won'?t\s+get\s+away\s+with\s+(?:this|that|it)\b|\bor\s+else\s*(?:[.!]|$)"
    r"|\byou(?:'d| had)?\s+better\s+(?:watch\s+(?:out|yourself|it)|be\s+careful)\b"
    r"|\bmake\s+your\s+life\s+(?:a\s+)?(?:living\s+)?hell\b"
    r"|\bmake\s+sure\s+you\s+never\s+(?:work|get\s+(?:hired|work|another))\b"
    r"|\byou'?ll\s+see\s+what\s+(?:happens|i\s+(?:can|will)\s+do)\b"
    r"|(?:\bor\s+(?:else\s+)?|\band\s+)(?:just\s+)?see\s+what\s+happens\b"
    r"|\bsomething\s+bad\s+(?:will|could|might)\s+happen\b"
)
_THREAT_OTHER = re.compile(
    r"\bwatch\s+your\s+back\b(?!-)|\bsleep\s+with\s+one\s+eye\s+open\b"
    # "I know people who can hurt your business"
    r"|\b(?:know|have|got)\s+(?:some\s+)?(?:people|someone|friends|guys|a\s+guy|men)\s+who\s+"
    r"(?:can|could|will|would)\s+(?:\w+\s+)?"
    r"(?:hurt|find|visit|deal\s+with|take\s+care\s+of|break|ruin|destroy)\s+(?:you|your)\b"
    r"|\byou\s+(?:don'?t|do not)\s+know\s+who\s+you'?re\s+(?:dealing|messing)\s+with\b|\byour\s+last\s+warning\b"
    r"|\bhope\s+you\s+(?:die|get\s+hurt|burn|rot)\b|\byou(?:'re| are)\s+dead\b"
)
# doxxing: "I'll post your address", "I'll leak your photos", "I know your home address"
_THREAT_DOX = re.compile(
    r"\b(?:" + _I_WILL + r"|i\s+(?:can|could|might))\s+(?:\w+\s+)?(?:post|publish|leak|expose|release|spread|dox|doxx)"
    r"\s+(?:all\s+)?(?:of\s+)?your\s+(?:home\s+|real\s+|personal\s+|private\s+|full\s+)?"
    r"(?:address|number|phone|details|info|information|photos?|pictures?|pics|identity|name|family|location|secrets)\b"
    r"|\b(?:share|send|post|put)\s+your\s+(?:\w+\s+){0,2}?(?:address|number|photos?|pictures?|details|identity|info)"
    r"\s+(?:online|publicly|everywhere|with\s+everyone|on\s+(?:social\s+media|twitter|reddit|facebook))\b"
    r"|\bi\s+(?:know|have)\s+your\s+(?:home\s+)?address\s+(?:now|already)\b|\bi\s+know\s+your\s+home\s+address\b"
)
_INSULT = (r"(?:idiot|moron|loser|stupid|dumb|worthless|useless|pathetic|clown|imbecile|fool|scum|trash|garbage|"
           r"retard(?:ed)?|cretin|halfwit|dimwit|incompetent|scammer|fraud|liar|crook|parasite|brain-?dead|brainless|"
           r"piece\s+of\s+(?:shit|crap|garbage|trash|work))")
#: Words that may stand between "you are" and the insult ("you are a complete and utter idiot"):
#: not any word, or "can you check the garbage collector" would be one.
_BETWEEN = (r"(?:(?:a|an|the|such|so|really|very|just|truly|simply|literally|clearly|obviously|honestly|"
            r"complete(?:ly)?|total(?:ly)?|absolute(?:ly)?|utter(?:ly)?|and|most|biggest|fucking|freaking|bloody|"
            r"f\*+(?:ing|in)?|effing|"
            r"little|lazy|stupid|dumb|useless|pathetic|worthless|incompetent|too|being|acting|like|beyond|as)\s+){0,4}")
_HARASS_YOU = re.compile(
    r"\byou(?:'re| are|r)?\s+" + _BETWEEN + _INSULT + r"\b"
    r"|\byou\s+(?:people|guys|lot|two|folks)\s+are\s+" + _BETWEEN + _INSULT + r"\b"
    r"|\b" + _INSULT + r"\s+(?:are\s+you|you\s+are)\b"
    r"|\byou\s+" + _INSULT + r"\b"
    r"|\b(?:no\s*one|nobody)\s+(?:likes|wants|cares\s+about)\s+(?:you|to\s+work\s+with\s+(?:a\s+)?\w+\s+like\s+you)\b"
    r"|\b" + _INSULT + r"\s+like\s+you\b"
    r"|\bkill\s+yourself\b|\bscrew\s+you\b|\byou\s+(?:suck|stink)\b"
    r"|\byou(?:'re| are)\s+(?:a\s+|an\s+)?"
    r"(?:waste\s+of\s+(?:space|oxygen|air)|disgrace|embarrassment|joke|nobody|nothing)\b"
    r"(?=\s*(?:[.!?,]|$|and\b))"
)
_HARASS_OTHER = re.compile(
    r"\bshut\s+up\b[,.!]?\s*(?:you\s+)?(?:\w+\s+)?" + _INSULT +
    r"|\bkys\b|\bgo\s+(?:to\s+hell|die)\b|\bgo\s+(?:fuck|f\*+k?|screw)\s+yourself\b"
    r"|\bstop\s+being\s+" + _BETWEEN + _INSULT + r"\b|\bget\s+a\s+(?:brain|life)\b"
    r"|(?:^|[.!?,]\s*)(?:get\s+lost|drop\s+dead)\s*(?:[.!,]|$)"
)
# A name-calling at the end of a clause: "do your job, loser", "read the brief, you idiot!" (a
# profane one, "you absolute asshole", is profanity). It starts with the punctuation, so the
# engine skips from comma to comma; the finding starts at the words.
_VOCATIVE = re.compile(
    r"[,;!]\s*(?:you\s+)?(?:(?:stupid|dumb|fucking|absolute|complete|total|little|lazy|useless|pathetic)\s+)?"
    r"(?:idiot|moron|loser|clown|imbecile|fool|scum|cretin|halfwit|dimwit|retard|jerk)\b(?=\s*(?:[.!?,]|$))"
)
#: Each pattern with words one of which each of its phrases contains: a pattern runs only on a
#: text that has one (substring tests cost a fraction of a failed search).
_THREAT_PATTERNS = (
    (_THREAT_I_WILL, ("'ll", "will", "going", "gonna", "coming")),
    (_THREAT_WHERE, ("where", "who you")),
    (_THREAT_IF, ("sorry", "regret", "make", "pay for", "away", "else", "better", "see what", "happen")),
    (_THREAT_OTHER, ("back", "eye", " who ", "warning", "hope", "dead")),
    (_THREAT_DOX, ("leak", "expose", "publish", "release", "spread", "dox", "post", "online", "publicly", "everywhere",
                   "address")))
_HARASS_PATTERNS = ((_HARASS_YOU, ("you",)), (_HARASS_OTHER, ("shut", "kys", "go ", "lost", "dead", "being", "get a")),
                    (_VOCATIVE, ()))


def _phrases(patterns, category: str, words: Mapped, confidence: float) -> list[Finding]:
    text = words.text
    found = []
    for pattern, triggers in patterns:
        if triggers and not any(map(text.__contains__, triggers)):  # the loop in C
            continue
        for m in pattern.finditer(text):
            a = m.start()
            while text[a] in ",;!.?: ":
                a += 1
            start, end = words.span(a, m.end())
            found.append(Finding(category, start, end, "", tuple(disguises_of(words.tag(a, m.end()))),
                                 confidence, detail="phrase"))
    return found


def threats(words: Mapped) -> list[Finding]:
    """Threat phrases in the words view."""
    return _phrases(_THREAT_PATTERNS, "THREAT", words, 0.85)


def harassment(words: Mapped) -> list[Finding]:
    """Insults aimed at the reader in the words view."""
    return _phrases(_HARASS_PATTERNS, "HARASSMENT", words, 0.8)
