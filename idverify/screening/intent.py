"""Off-platform intent: phrases asking to move the talk or the money outside the platform
(English, pure). Read in the words view, so ``pl4tform``, ``p l a t f o r m`` and ``0ff`` are
read as words; "through the platform" and "the fee is included" are not intent."""

from __future__ import annotations

import re

from idverify.screening.findings import Finding
from idverify.screening.normalize import Mapped, disguises_of

__all__ = ["off_platform_intent"]

_PLACE = r"(?:platform|site|website|app|marketplace|here)"
_PHRASES = re.compile(
    r"\b(?:off|outside)(?: of)?\s+(?:the\s+|this\s+)?" + _PLACE + r"\b"
    r"|\boff[- ]?platform\b"
    # "off-site" alone is also backups and meetings: only the deal or the talk going off-site
    r"|\b(?:contract|deal|work|job|payment|pay|talk|chat|this|it)\s+off[- ]?site\b"
    # "let's move to email", "switch to whatsapp", "continue over the phone"
    r"|\b(?:move|switch|continue|talk|chat|go)\b[^.!?]{0,20}?\b(?:to|on|over|via)\s+(?:the\s+)?"
    r"(?:e-?mail|phone|text|sms|whatsapp|telegram|skype|discord|signal)\b"
    r"|\b(?:skip|avoid|save|bypass|dodge|cut out|get around)\b[^.!?]{0,30}?\b(?:fees?|commission|middleman|cut)\b"
    r"|\b(?:contact|message|email|text|call|pay|reach)\s+me\s+directly\b"
    r"|\bdon'?t tell the (?:platform|site)\b"
    r"|\bpay (?:me )?(?:directly|outside|off)\b"
)


def off_platform_intent(words: Mapped) -> list[Finding]:
    """Each intent phrase in the words view."""
    found = []
    for m in _PHRASES.finditer(words.text):
        start, end = words.span(m.start(), m.end())
        found.append(Finding("OFF_PLATFORM_INTENT", start, end, "", tuple(disguises_of(words.tag(m.start(), m.end()))),
                             0.8, detail="phrase"))
    return found
