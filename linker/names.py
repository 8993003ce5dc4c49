"""Fuzzy name identity on keyed hashes: fold, tokenise, compare token sets with typo tolerance.

Raw names are never stored, so stored names cannot be compared with an edit-distance library
such as rapidfuzz. Instead each name becomes a :class:`NameKey`: per token, the keyed hashes of
the token and of every variant with one character deleted (a SymSpell deletion neighbourhood).
Two tokens within one edit (insertion, deletion or substitution) share at least one variant, so
"JONATHAN" matches "JONATHON" and "MULLER" matches "MUELLER"'s neighbour only when one edit
apart. Token order does not matter (a token *set* comparison, like rapidfuzz's
``token_set_ratio``): "SMITH JOHN" equals "JOHN SMITH"; an added middle name still matches.
Folding uses anyascii (``Müller`` -> ``MULLER``, ``Łukasz`` -> ``LUKASZ``) and upper case.

:func:`name_similarity` is the one function to swap for a better matcher. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from anyascii import anyascii

__all__ = ["NameKey", "fold_name", "letter_tokens", "name_key", "name_similarity"]

_NON_LETTERS = re.compile(r"[^A-Z]+")


@dataclass(frozen=True)
class NameKey:
    """A name as keyed token hashes: one frozenset of variant hashes per distinct token."""

    tokens: tuple[frozenset[bytes], ...]


def letter_tokens(raw: str) -> list[str]:
    """The words of ``raw`` in order: anyascii-folded, upper case, runs of letters only (the one
    folding of names for the linker's keys and for its fuzzy identity)."""
    return _NON_LETTERS.sub(" ", anyascii(raw).upper()).split()


def fold_name(raw: str) -> tuple[str, ...]:
    """The name's tokens: anyascii-folded, upper case, letters only, de-duplicated, sorted.

    Single letters (initials) are dropped: they say too little to link on.
    """
    return tuple(sorted({t for t in letter_tokens(raw) if len(t) > 1}))


def _variants(token: str) -> set[str]:
    out = {token}
    if len(token) > 3:  # short tokens' deletions ("JO" from "JON") would match too much
        out.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return out


def name_key(tokens: Sequence[str], digest: Callable[[str], bytes]) -> NameKey:
    """The :class:`NameKey` of folded ``tokens``, hashing each variant with ``digest``."""
    return NameKey(tuple(frozenset(digest(v) for v in _variants(t)) for t in tokens))


def name_similarity(a: NameKey, b: NameKey) -> float:
    """Token-set similarity in [0, 1]: matched tokens over the shorter name's token count.

    A token matches when it is within one edit of a distinct token of the other name (greedy
    one-to-one assignment). Names of two or more tokens need two matched tokens to reach 1.0,
    so a shared surname alone ("JOHN SMITH" vs "MARY SMITH") scores 0.5.
    """
    if not a.tokens or not b.tokens:
        return 0.0
    short, long_ = (a.tokens, b.tokens) if len(a.tokens) <= len(b.tokens) else (b.tokens, a.tokens)
    used: set[int] = set()
    matched = 0
    for token in short:
        for j, other in enumerate(long_):
            if j not in used and token & other:
                used.add(j)
                matched += 1
                break
    if len(short) == 1 and len(long_) > 1:
        # A mononym against a full name: one shared token is a partial match at best.
        return 0.5 * matched
    return matched / len(short)
