"""ICAO 9303 check digits (Doc 9303 part 3, section 4.9). Pure: no I/O.

Each character has a value (digits 0-9, letters A-Z 10-35, the filler ``<`` 0); the values are
weighted 7, 3, 1, 7, 3, 1, ... and the check digit is the sum modulo 10.
"""

from __future__ import annotations

import itertools

__all__ = ["ALPHABET", "char_value", "check_digit", "is_valid"]

#: Every character an MRZ may hold.
ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<")

_WEIGHTS = (7, 3, 1)
#: Character -> ICAO value, for the hot path (the parser's corrections compute tens of
#: thousands of check digits for one hard document).
_VALUES = {**{c: ord(c) - 48 for c in "0123456789"}, **{c: ord(c) - 55 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, "<": 0}


def char_value(ch: str) -> int | None:
    """The ICAO value of one MRZ character, or None for a character outside the MRZ alphabet."""
    return _VALUES.get(ch)


def check_digit(data: str) -> str:
    """The check digit ("0"-"9") of ``data``, or "?" when it holds a character outside the alphabet."""
    try:
        total = sum(_VALUES[ch] * w for ch, w in zip(data, itertools.cycle(_WEIGHTS)))
    except KeyError:
        return "?"
    return str(total % 10)


def is_valid(data: str, digit: str, *, empty_filler_ok: bool = False) -> bool:
    """True when ``digit`` is the check digit of ``data``.

    With ``empty_filler_ok`` a ``<`` check digit is accepted for a field that is all fillers
    (several states write ``<`` rather than ``0`` after an empty optional field).
    """
    if empty_filler_ok and digit == "<" and set(data) <= {"<"}:
        return True
    computed = check_digit(data)
    return computed != "?" and computed == digit
