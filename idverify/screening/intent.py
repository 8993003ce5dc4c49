"""Off-platform intent: phrases asking to move the talk or the money outside the platform
(English, pure). Read in the words view, so ``pl4tform``, ``p l a t f o r m`` and ``0ff`` are
read as words; "through the platform" and "the fee is included" are not intent. The phrases:
leaving the platform ("off the platform", "move to whatsapp"), going around it ("bypass the
site", "if we don't go through the platform"), dealing directly ("keep working for you
directly", "invoice you directly"), its cut ("skip the fee", "so the site doesn't take its
cut"), cash ("the rest in cash"), ending the contract to go on outside it, taking it offline."""

from __future__ import annotations

import re

from idverify.screening.findings import Finding
from idverify.screening.normalize import Mapped, disguises_of

__all__ = ["off_platform_intent"]

_PLATFORM = r"(?:platform|marketplace|upwork|fiverr|freelancer|toptal|peopleperhour|guru)"
_PLACE = r"(?:site|website|app|here|" + _PLATFORM[3:]
#: The place stands alone ("without the platform.", "bypass the site and"), not as a modifier
#: ("without the platform plugin", "bypass the site's cache").
_ALONE = (r"\b(?=\s*(?:[.,!?;:)]|$|(?:and|so|to|we|i|you|if|for|then|altogether|entirely|completely|next|this|that|"
          r"anymore|again|at all)\b|(?:'s)?\s*(?:fees?|cut|commission)\b))")
#: The same without "fee" after: "without the platform fee" is how a price is quoted.
_ALONE_NO_FEE = _ALONE.replace(r"|(?:'s)?\s*(?:fees?|cut|commission)\b", "")
#: "directly" that is not "directly through the platform".
_NOT_HERE = r"(?!\s+(?:through|on|via|in|here|using|inside)\b)"
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
    r"|\b(?:finish|do|continue|take|handle|move|settle|sort)\s+(?:this|it|things|the\s+rest)(?:\s+out)?\s+outside\b"
    r"|\b(?:take|move|continue|carry\s+on)\s+"
    r"(?:this|it|things|(?:the|this|our)\s+(?:conversation|chat|talk|discussion))\s+"
    r"(?:elsewhere|somewhere\s+else)\b"
    r"|\b(?:don'?t|do not|no)\s+(?:really\s+)?need\s+(?:the\s+|this\s+)?" + _PLATFORM + r"\b"
    r"|\bkeep\s+(?:the\s+)?" + _PLATFORM + r"\s+out\b"
    r"|\b(?:deal|sort\s+(?:it|this)\s+out|handle\s+(?:it|this)|settle\s+(?:it|this|up))\s+between\s+(?:us|ourselves)\b"
)
_AROUND = re.compile(
    # "keep working for you directly", "invoice you directly", "we can just deal directly"
    r"\b(?:work|working|deal|dealing|invoice|invoicing|bill|billing|hire|pay|paying|continue|continuing)\s+"
    r"(?:(?:for|with)\s+)?(?:you|me|each other|us)\s+directly\b" + _NOT_HERE +
    r"|\b(?:invoice|bill)\s+(?:you\s+|me\s+)?directly\b" + _NOT_HERE +
    r"|\b(?:we|i)\s+(?:can|could|will|'ll|should|would)\s+(?:just\s+)?(?:work|deal)\s+directly\b"
    r"(?!\s+(?:on|in|from|into|with the|with your))"
    r"|\b(?:work|deal|pay|paid|payment|talk|continue|settle|contact|message|email|text|reach|call|"
    r"sort\s+(?:it\s+|this\s+|things\s+)?out|"
    r"do (?:this|it|business))\s+(?:\w+\s+)?privately\b"
    # around the platform: "bypass the site", "go around the platform", "if we don't go through the site"
    r"|\b(?:bypass(?:ing)?|circumvent(?:ing)?|cut(?:ting)? out)\s+(?:the\s+|this\s+)?" + _PLACE + _ALONE +
    r"|\bwithout\s+(?:the\s+|this\s+)?" + _PLACE + _ALONE_NO_FEE +
    # ordinary verbs: the platform only ("skip the app and use the web version" is not intent)
    r"|\b(?:skip(?:ping)?|avoid(?:ing)?|ditch(?:ing)?|leav(?:e|ing))\s+(?:the\s+|this\s+)?" + _PLATFORM + _ALONE + r""
    r"|\b(?:no need to|don'?t|do not|without|not)\s+(?:\w+\s+)?involv(?:e|ing)\s+(?:the\s+|this\s+)?" + _PLACE + r"\b"
    r"|\b(?:go|going|get|getting|work|working)\s+around\s+(?:the\s+|this\s+)?" + _PLACE + r"\b"
    r"|\b(?:don'?t|do not|won'?t|will not|wouldn'?t|shouldn'?t|not|never|no need to|without)\s+(?:\w+\s+)?"
    r"(?:go(?:ing)?|run(?:ning)?|pay(?:ing)?|do(?:ing)? it)"
    r"\s+(?:it\s+)?through\s+(?:the\s+|this\s+)?" + _PLACE + _ALONE +
    # its cut: "so the site doesn't take its cut", "no platform fee", "without the commission"
    r"|\b(?:doesn'?t|don'?t|won'?t|does not|do not|will not|never)\s+(?:get|take)\s+(?:a|its|their|any|the)\s+"
    r"(?:cut|fee|commission|percentage)\b"
    r"|\bno\s+(?:more\s+)?(?:platform|site|service|middleman)\s+(?:fees?|cut|commission)\b"
    # cash for the rest: "pay me the rest in cash", "cash for the balance"
    r"|\b(?:rest|balance|remainder|remaining\s+\w+)\s+(?:in|with|by)\s+cash\b"
    r"|\bcash\s+for\s+the\s+(?:rest|balance|remainder)\b|\bpay\s+(?:me\s+|you\s+)?(?:in\s+)?cash\b(?!-)"
    # "cancel the contract and I'll invoice you", "close the contract here and pay me by bank"
    r"|\b(?:cancel|close|end)\s+(?:the|this|our)\s+contract\b[^.!?]{0,40}?\b(?:directly|invoice|cash|pay me|"
    r"privately|outside|bank)\b"
    # "take this offline", "let's take it offline" (not a server "for maintenance")
    r"|\btake\s+(?:this|it|things|the\s+(?:conversation|discussion|chat|talk|deal|project|job|work))\s+offline\b"
    r"(?!\s+for\b)"
    r"|\binstead\s+of\s+(?:using\s+|going\s+through\s+|paying\s+(?:through|on)\s+)?(?:the\s+|this\s+)?"
    + _PLACE + _ALONE + r""
)
# Asking for the other's contact details: "what's your whatsapp?", "send me your personal email".
_ASKING = re.compile(
    r"\b(?:send|give|share|text|drop|dm|tell|pass)\s+me\s+your\s+(?:personal\s+|private\s+|direct\s+|own\s+)?"
    r"(?:e-?mail(?:\s+address)?|(?:phone\s+|mobile\s+|cell\s+)?number|phone|whatsapp|telegram|skype|discord|signal|"
    r"wechat|contact(?:\s+details|\s+info)?|cell|mobile)\b"
    r"|\bwhat(?:'?s| is)\s+your\s+(?:personal\s+|private\s+)?(?:e-?mail|(?:phone\s+|mobile\s+|cell\s+)?number"
    r"(?!\s+(?:one|two|three|1|of)\b)|whatsapp|telegram|"
    r"skype|discord|wechat|cell|mobile)\b(?!\s+(?:on|in)\s+(?:the|your)\s+profile)"
)
#: Each pattern with words one of which each of its phrases contains: a pattern runs only on a
#: text that has one (substring tests cost a fraction of a failed phrase search).
_PATTERNS = (
             (_PHRASES, ("off", "outside", "elsewhere", "need", "between", "keep", "mail", "phone", "text", "sms",
                         "whatsapp", "telegram", "skype", "discord",
                         "signal", "fee", "commission", "middleman", "cut", "directly", "tell")),
             (_AROUND, ("directly", "privately", "bypass", "circumvent", "without", "around", "through", "cut", "fee",
                        "commission", "percentage", "cash", "contract", "offline", "instead", "skip", "avoid", "ditch",
                        "leav", "involv")),
             (_ASKING, ("me your", "s your")))


def off_platform_intent(words: Mapped) -> list[Finding]:
    """Each intent phrase in the words view."""
    text = words.text
    found = []
    for pattern, triggers in _PATTERNS:
        if not any(map(text.__contains__, triggers)):  # the loop in C
            continue
        for m in pattern.finditer(text):
            start, end = words.span(m.start(), m.end())
            found.append(Finding("OFF_PLATFORM_INTENT", start, end, "",
                                 tuple(disguises_of(words.tag(m.start(), m.end()))), 0.8, detail="phrase"))
    return found
