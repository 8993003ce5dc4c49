"""Where each field sits in each ICAO 9303 MRZ layout. Pure data, no I/O.

Positions are ``(line, start, end)`` with ``end`` exclusive, counted on the lines as printed.
Each field also declares its alphabet, which the correction step uses: a date can hold only
digits (and ``<``/``X`` for an unknown day or month), a name only letters and fillers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Alphabet", "Field", "Layout", "MrzFormat", "LAYOUTS", "detect_format"]


class MrzFormat(str, Enum):
    """The five machine-readable-zone layouts of ICAO 9303."""

    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRV_A = "MRV_A"
    MRV_B = "MRV_B"


class Alphabet(str, Enum):
    """What characters a field may hold."""

    DIGITS = "digits"  # check digits (a "<" is allowed where the field it protects is empty)
    DATE = "date"  # YYMMDD; MM and DD may be "<<" or "XX" when unknown
    LETTERS = "letters"  # letters and "<": names, country codes, document code
    ALNUM = "alnum"  # letters, digits and "<": document number, optional data
    SEX = "sex"  # M, F, X or "<"


@dataclass(frozen=True)
class Field:
    """One field of a layout."""

    name: str
    line: int
    start: int
    end: int
    alphabet: Alphabet


@dataclass(frozen=True)
class Check:
    """A check digit and the spans of the lines it protects."""

    name: str
    digit: tuple[int, int]  # (line, position)
    spans: tuple[tuple[int, int, int], ...]  # (line, start, end)
    empty_filler_ok: bool = False  # a "<" digit is fine when every protected character is "<"


@dataclass(frozen=True)
class Layout:
    """One MRZ layout: line count and length, fields and check digits."""

    format: MrzFormat
    lines: int
    length: int
    fields: tuple[Field, ...]
    checks: tuple[Check, ...]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def _two_line(fmt: MrzFormat, length: int, optional_end: int, composite: bool) -> Layout:
    L = Alphabet
    fields = [
        Field("document_type", 0, 0, 2, L.LETTERS),
        Field("issuing_country", 0, 2, 5, L.LETTERS),
        Field("name", 0, 5, length, L.LETTERS),
        Field("document_number", 1, 0, 9, L.ALNUM),
        Field("document_number_check", 1, 9, 10, L.DIGITS),
        Field("nationality", 1, 10, 13, L.LETTERS),
        Field("birth_date", 1, 13, 19, L.DATE),
        Field("birth_date_check", 1, 19, 20, L.DIGITS),
        Field("sex", 1, 20, 21, L.SEX),
        Field("expiry_date", 1, 21, 27, L.DATE),
        Field("expiry_date_check", 1, 27, 28, L.DIGITS),
        Field("optional_data", 1, 28, optional_end, L.ALNUM),
    ]
    checks = [
        Check("document_number", (1, 9), ((1, 0, 9),)),
        Check("birth_date", (1, 19), ((1, 13, 19),)),
        Check("expiry_date", (1, 27), ((1, 21, 27),)),
    ]
    if fmt is MrzFormat.TD3:
        fields.append(Field("optional_data_check", 1, 42, 43, L.DIGITS))
        checks.append(Check("optional_data", (1, 42), ((1, 28, 42),), empty_filler_ok=True))
    if composite:
        fields.append(Field("composite_check", 1, length - 1, length, L.DIGITS))
        checks.append(
            Check("composite", (1, length - 1), ((1, 0, 10), (1, 13, 20), (1, 21, length - 1)))
        )
    return Layout(fmt, 2, length, tuple(fields), tuple(checks))


def _td1() -> Layout:
    L = Alphabet
    fields = (
        Field("document_type", 0, 0, 2, L.LETTERS),
        Field("issuing_country", 0, 2, 5, L.LETTERS),
        Field("document_number", 0, 5, 14, L.ALNUM),
        Field("document_number_check", 0, 14, 15, L.DIGITS),
        Field("optional_data_1", 0, 15, 30, L.ALNUM),
        Field("birth_date", 1, 0, 6, L.DATE),
        Field("birth_date_check", 1, 6, 7, L.DIGITS),
        Field("sex", 1, 7, 8, L.SEX),
        Field("expiry_date", 1, 8, 14, L.DATE),
        Field("expiry_date_check", 1, 14, 15, L.DIGITS),
        Field("nationality", 1, 15, 18, L.LETTERS),
        Field("optional_data_2", 1, 18, 29, L.ALNUM),
        Field("composite_check", 1, 29, 30, L.DIGITS),
        Field("name", 2, 0, 30, L.LETTERS),
    )
    checks = (
        Check("document_number", (0, 14), ((0, 5, 14),)),
        Check("birth_date", (1, 6), ((1, 0, 6),)),
        Check("expiry_date", (1, 14), ((1, 8, 14),)),
        Check("composite", (1, 29), ((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29))),
    )
    return Layout(MrzFormat.TD1, 3, 30, fields, checks)


#: Every layout by format.
LAYOUTS: dict[MrzFormat, Layout] = {
    MrzFormat.TD1: _td1(),
    MrzFormat.TD2: _two_line(MrzFormat.TD2, 36, 35, composite=True),
    MrzFormat.TD3: _two_line(MrzFormat.TD3, 44, 42, composite=True),
    MrzFormat.MRV_A: _two_line(MrzFormat.MRV_A, 44, 44, composite=False),
    MrzFormat.MRV_B: _two_line(MrzFormat.MRV_B, 36, 36, composite=False),
}


def detect_format(lines: tuple[str, ...] | list[str]) -> MrzFormat | None:
    """The layout the line count and lengths fit, or None. Visas start with "V"."""
    lengths = [len(line) for line in lines]
    if lengths == [30, 30, 30]:
        return MrzFormat.TD1
    visa = bool(lines) and lines[0][:1] == "V"
    if lengths == [44, 44]:
        return MrzFormat.MRV_A if visa else MrzFormat.TD3
    if lengths == [36, 36]:
        return MrzFormat.MRV_B if visa else MrzFormat.TD2
    return None
