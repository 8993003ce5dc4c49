"""The homoglyph table: every non-ASCII character Unicode lists as confusable with an ASCII
letter or digit, mapped to that character.

Derived, once at start-up, from the Unicode confusables data (``confusables.txt``) as shipped
by the maintained ``confusable-homoglyphs`` package (``confusables.json`` inside the wheel; no
download). Lower-case targets win over upper-case ones, letters over digits, so Cyrillic ``о``
folds to ``o`` and not to ``0``; the detectors that want digits read ``o`` in a digit run
themselves. :func:`parse_homoglyphs` is the pure part.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["load_homoglyphs", "parse_homoglyphs"]


def _rank(target: str) -> int:
    return 0 if target.islower() else 1 if target.isupper() else 2


def parse_homoglyphs(data: Mapping[str, list[Mapping[str, Any]]]) -> Mapping[int, str]:
    """``{code point: ASCII look-alike}`` from the package's ``{char: [{"c": confusable}, ...]}``."""
    table: dict[int, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii() and e["c"].isalnum()]
        if targets:
            table[ord(char)] = min(targets, key=lambda t: (_rank(t), t)).lower() if any(
                t.isalpha() for t in targets) else min(targets)
    return MappingProxyType(table)


def load_homoglyphs() -> Mapping[int, str]:
    """Read the packaged confusables data and build the table (about 20 ms; call once)."""
    from confusable_homoglyphs.utils import load  # its one data file, inside the wheel

    return parse_homoglyphs(load("confusables.json"))
