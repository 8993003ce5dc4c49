"""MRZ dates (YYMMDD) to calendar dates, with the century inferred. Pure: pass ``today``.

A birth date lies in the past: ``YY`` is read as 20YY when that date is not after ``today``,
else 19YY. An expiry date may lie in the past or the future: 20YY when that year is at most
50 years ahead of ``today``, else 19YY. An unknown day or month is written ``<<`` or ``XX`` in
the MRZ and ``XX`` in the ISO form (``1975-XX-XX``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

__all__ = ["MrzDate", "parse_mrz_date", "mrz_date_string"]

_UNKNOWN = ("<<", "XX")
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class MrzDate:
    """A date read from an MRZ."""

    #: The six characters as read.
    raw: str
    #: ISO 8601 ``YYYY-MM-DD`` with ``XX`` for an unknown part, or "" when unreadable.
    iso: str
    #: Four-digit year, or None when unreadable.
    year: int | None
    #: Month 1-12, or None when unknown or unreadable.
    month: int | None
    #: Day 1-31, or None when unknown or unreadable.
    day: int | None
    #: True when the characters form a real calendar date (unknown parts allowed).
    valid: bool

    def as_date(self, *, unknown_as: Literal["first", "last"] = "first") -> dt.date | None:
        """The date, an unknown month or day taken as the first (or last) possible one."""
        if not self.valid or self.year is None:
            return None
        month = self.month or (1 if unknown_as == "first" else 12)
        day = self.day or (1 if unknown_as == "first" else calendar.monthrange(self.year, month)[1])
        return dt.date(self.year, month, day)


def parse_mrz_date(raw: str, kind: Literal["birth", "expiry"], today: dt.date) -> MrzDate:
    """Read a YYMMDD MRZ date; ``kind`` chooses the century rule (see module docstring)."""
    invalid = MrzDate(raw, "", None, None, None, False)
    if len(raw) != 6 or not set(raw[:2]) <= _DIGITS:
        return invalid
    yy, mm, dd = int(raw[:2]), raw[2:4], raw[4:6]
    month = None if mm in _UNKNOWN else (int(mm) if set(mm) <= _DIGITS else -1)
    day = None if dd in _UNKNOWN else (int(dd) if set(dd) <= _DIGITS else -1)
    if month == -1 or day == -1 or (month is None and day is not None):
        return invalid
    if month is not None and not 1 <= month <= 12:
        return invalid
    if day is not None and not 1 <= day <= 31:
        return invalid
    if kind == "birth":
        year = 2000 + yy
        probe = dt.date(year, month or 1, 1 if day is None else min(day, 28))
        if probe > today:
            year -= 100
    else:
        year = 2000 + yy if 2000 + yy <= today.year + 50 else 1900 + yy
    if day is not None and not 1 <= day <= calendar.monthrange(year, month or 1)[1]:
        return invalid
    iso = f"{year:04d}-{'XX' if month is None else f'{month:02d}'}-{'XX' if day is None else f'{day:02d}'}"
    return MrzDate(raw, iso, year, month, day, True)


def mrz_date_string(date: dt.date) -> str:
    """A date as the six MRZ characters YYMMDD."""
    return date.strftime("%y%m%d")
