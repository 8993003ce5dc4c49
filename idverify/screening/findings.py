"""What a detector reports: a :class:`Finding` (category, span, normalised value, disguises,
confidence), and :func:`redact` to blank findings out of a text (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal, get_args

__all__ = ["CATEGORIES", "CONTACT", "Category", "Finding", "PAYMENT", "redact"]

Category = Literal[
    "EMAIL", "PHONE", "URL", "MESSAGING_HANDLE",                       # contact details
    "PAYMENT_SERVICE", "BANK_ACCOUNT", "CARD_NUMBER", "CRYPTO_ADDRESS",  # payment details
    "OFF_PLATFORM_INTENT",
    "GIBBERISH", "PLACEHOLDER",                                          # content standards
    "PROFANITY", "THREAT", "HARASSMENT",                                 # behaviour
    "DUPLICATE_TEXT",  # another account's text, found by the application's linker, not here
]
CATEGORIES: tuple[str, ...] = get_args(Category)
CONTACT = frozenset({"EMAIL", "PHONE", "URL", "MESSAGING_HANDLE"})
PAYMENT = frozenset({"PAYMENT_SERVICE", "BANK_ACCOUNT", "CARD_NUMBER", "CRYPTO_ADDRESS"})


@dataclass(frozen=True)
class Finding:
    """One thing found in one field of a text.

    ``start``/``end`` index the original field's characters (Python string indices, end
    exclusive). ``value`` is the normalised value (E.164 phone, lower-case e-mail, compact IBAN,
    the payment service's or app's name) or empty when there is none (intent, abuse, content).
    ``disguises`` names what was undone to read it (``homoglyph``, ``spelled_digits``...), empty
    when it was written plainly. ``confidence`` is in [0, 1].
    """

    category: Category
    start: int
    end: int
    value: str = ""
    disguises: tuple[str, ...] = ()
    confidence: float = 1.0
    #: The field of a profile or job post (``title``, ``description``, ``skills``); ``text`` for messages.
    field: str = "text"
    #: What the detector saw, as a short code for reviewers (``luhn``, ``e164``, ``phrase``).
    detail: str = dataclass_field(default="", compare=False)


def redact(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding's span replaced by ``[CATEGORY]``; overlapping spans merge
    (the label of the first, by position, is kept)."""
    spans = sorted((f.start, f.end, f.category) for f in findings if f.end > f.start)
    merged: list[list] = []
    for start, end, category in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, category])
    out, last = [], 0
    for start, end, category in merged:
        out.append(text[last:start])
        out.append(f"[{category}]")
        last = end
    out.append(text[last:])
    return "".join(out)
