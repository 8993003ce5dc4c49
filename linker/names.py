"""Name folding for the linker's keys and its fuzzy identity. Pure: no I/O.

Folding uses anyascii (``Müller`` -> ``MULLER``, ``Łukasz`` -> ``LUKASZ``) and upper case;
names are compared by the one name scorer of :mod:`linker.fuzzy`.
"""

from __future__ import annotations

import re

from anyascii import anyascii

__all__ = ["fold_name", "letter_tokens"]

_NON_LETTERS = re.compile(r"[^A-Z]+")


def letter_tokens(raw: str) -> list[str]:
    """The words of ``raw`` in order: anyascii-folded, upper case, runs of letters only (the one
    folding of names for the linker's keys and for its fuzzy identity)."""
    return _NON_LETTERS.sub(" ", anyascii(raw).upper()).split()


def fold_name(raw: str) -> tuple[str, ...]:
    """The name's tokens: anyascii-folded, upper case, letters only, de-duplicated, sorted.

    Single letters (initials) are dropped: they say too little to link on.
    """
    return tuple(sorted({t for t in letter_tokens(raw) if len(t) > 1}))
