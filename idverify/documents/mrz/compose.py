"""Compose MRZ lines from fields, with correct check digits. Pure: no I/O.

The inverse of :mod:`parse`; the document generator and the round-trip tests use it.
"""

from __future__ import annotations

from dataclasses import dataclass

from idverify.documents.mrz.checkdigit import check_digit
from idverify.documents.mrz.layout import MrzFormat
from idverify.documents.mrz.transliterate import mrz_name_field

__all__ = ["MrzFields", "compose_mrz"]


@dataclass(frozen=True)
class MrzFields:
    """What goes into an MRZ. Names may hold any script; they are transliterated per ICAO."""

    format: MrzFormat
    document_type: str  # "P", "I", "ID", "V", "AR", ...
    issuing_country: str  # "UTO", "D", ...
    surname: str
    given_names: str
    document_number: str  # up to 9 characters (TD1/TD2 allow longer, spilling into optional data)
    nationality: str
    birth_date: str  # YYMMDD, "<<" or "XX" for an unknown month/day
    sex: str  # "M", "F" or "<"
    expiry_date: str  # YYMMDD
    optional_data: str = ""
    optional_data_2: str = ""  # TD1's second optional field
    empty_optional_check: str = "<"  # TD3: the check digit written after an empty personal number


def _pad(text: str, width: int) -> str:
    text = text.replace(" ", "<")
    if len(text) > width:
        raise ValueError(f"{text!r} is longer than its {width}-character field")
    return text.ljust(width, "<")


def compose_mrz(f: MrzFields) -> tuple[tuple[str, ...], bool]:
    """The MRZ lines for ``f`` and whether the name had to be truncated."""
    doc_type = _pad(f.document_type, 2)
    issuer = _pad(f.issuing_country, 3)
    nat = _pad(f.nationality, 3)
    sex = f.sex if f.sex in ("M", "F") else "<"
    number = f.document_number
    if f.format is MrzFormat.TD1:
        name, truncated = mrz_name_field(f.surname, f.given_names, 30)
        if len(number) > 9:
            extension = number[9:] + check_digit(number)
            num_field, num_check = number[:9], "<"
            opt1 = _pad(extension + "<" + f.optional_data if f.optional_data else extension, 15)
        else:
            num_field, num_check = _pad(number, 9), check_digit(_pad(number, 9))
            opt1 = _pad(f.optional_data, 15)
        line1 = doc_type + issuer + num_field + num_check + opt1
        birth = f.birth_date + check_digit(f.birth_date)
        expiry = f.expiry_date + check_digit(f.expiry_date)
        opt2 = _pad(f.optional_data_2, 11)
        line2 = birth + sex + expiry + nat + opt2
        composite = check_digit(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return (line1, line2 + composite, name), truncated
    length = 44 if f.format in (MrzFormat.TD3, MrzFormat.MRV_A) else 36
    name, truncated = mrz_name_field(f.surname, f.given_names, length - 5)
    line1 = doc_type + issuer + name
    if len(number) > 9 and f.format is MrzFormat.TD2:
        extension = number[9:] + check_digit(number)
        num = number[:9] + "<"
        optional = extension + ("<" + f.optional_data if f.optional_data else "")
    else:
        num = _pad(number, 9) + check_digit(_pad(number, 9))
        optional = f.optional_data
    body = num + nat + f.birth_date + check_digit(f.birth_date) + sex + f.expiry_date + check_digit(f.expiry_date)
    if f.format is MrzFormat.TD3:
        personal = _pad(optional, 14)
        personal_check = check_digit(personal) if optional else f.empty_optional_check
        body += personal + personal_check
    elif f.format is MrzFormat.TD2:
        body += _pad(optional, 7)
    else:
        body += _pad(optional, length - 28)
    if f.format in (MrzFormat.TD3, MrzFormat.TD2):
        body += check_digit(body[0:10] + body[13:20] + body[21:])
    assert len(body) == length, (f.format, len(body))
    return (line1, body), truncated

