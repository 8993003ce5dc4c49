"""Comparisons of the non-name fields: date of birth, country, email and phone.

Each returns a :class:`FieldResult` (level, 0-100 score, both normalised values, a readable
detail and the reason code, if any). A mismatch is a result; only a declared value that makes
the request impossible to evaluate (a birth date that is not a date, a country code that names
no country) raises :class:`InvalidInput`. An invalid email or phone is a result too
(EMAIL_INVALID, PHONE_INVALID): it says something about the applicant, not about the request.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from idverify.errors import InvalidInput
from idverify.profile.contacts import normalize_email, normalize_phone
from idverify.profile.countries import to_alpha2, to_alpha3
from idverify.profile.name_match import MatchLevel

__all__ = [
    "FieldResult",
    "compare_birth_date",
    "compare_country",
    "compare_email",
    "compare_nationality",
    "compare_phone",
    "compare_residence",
    "parse_declared_birth_date",
]

_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DOCUMENT_DATE = re.compile(r"(\d{4})-(\d{2}|XX)-(\d{2}|XX)")
_EARLIEST_BIRTH = dt.date(1880, 1, 1)


@dataclass(frozen=True, slots=True)
class FieldResult:
    """One field's comparison; ``reason`` is an UPPER_SNAKE code or empty."""

    level: MatchLevel
    score: float
    declared_normalized: str = ""
    reference_normalized: str = ""
    detail: str = ""
    reason: str = ""


def parse_declared_birth_date(value: str, today: dt.date | None = None) -> dt.date:
    """Parse a declared ISO 8601 date of birth (``YYYY-MM-DD``).

    Raises :class:`InvalidInput` with reason ``BIRTH_DATE_INVALID`` (metadata field
    ``declared.birth_date``) when it is not a calendar date, lies in the future or before 1880.
    """
    match = _ISO_DATE.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError("not YYYY-MM-DD")
        parsed = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise InvalidInput(
            "declared birth_date must be an ISO 8601 date, YYYY-MM-DD",
            reason="BIRTH_DATE_INVALID",
            metadata={"field": "declared.birth_date"},
        ) from exc
    if not _EARLIEST_BIRTH <= parsed <= (today or dt.date.today()):
        raise InvalidInput(
            "declared birth_date lies in the future or before 1880",
            reason="BIRTH_DATE_INVALID",
            metadata={"field": "declared.birth_date"},
        )
    return parsed


def compare_birth_date(declared: str, document: str, today: dt.date | None = None) -> FieldResult:
    """Compare a declared date of birth with the document's (``YYYY-MM-DD``, ``XX`` unknown).

    MATCH when equal (an unknown day or month on the document matches any); PARTIAL with
    reason DOB_PARTIAL when the declared day and month are swapped (a common slip between
    day-first and month-first habits); NO_MATCH with DOB_MISMATCH otherwise, scored by the
    share of agreeing parts. NOT_COMPARED when either side is empty or the document's date is
    unreadable. Raises :class:`InvalidInput` for a declared value that is not a date.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared date of birth")
    born = parse_declared_birth_date(declared, today)
    iso = born.isoformat()
    doc = _DOCUMENT_DATE.fullmatch(document.strip().upper())
    if doc is None:
        detail = "no date of birth on the document" if not document.strip() else "document date unreadable"
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, iso, document, detail, "DOB_NOT_COMPARED")
    year, month, day = doc[1], doc[2], doc[3]
    parts = [int(year) == born.year, month == "XX" or int(month) == born.month, day == "XX" or int(day) == born.day]
    reference = f"{year}-{month}-{day}"
    if all(parts):
        unknown = [name for name, part in (("month", month), ("day", day)) if part == "XX"]
        detail = f"{' and '.join(unknown)} unknown on the document" if unknown else "equal"
        return FieldResult(MatchLevel.MATCH, 100.0, iso, reference, detail)
    if (
        int(year) == born.year
        and born.day <= 12
        and born.day != born.month
        and month != "XX"
        and day != "XX"
        and int(month) == born.day
        and int(day) == born.month
    ):
        return FieldResult(MatchLevel.PARTIAL, 80.0, iso, reference, "day and month swapped", "DOB_PARTIAL")
    differing = [name for name, ok in zip(("year", "month", "day"), parts) if not ok]
    return FieldResult(
        MatchLevel.NO_MATCH,
        round(100.0 * sum(parts) / 3, 2),
        iso,
        reference,
        f"{', '.join(differing)} differ{'s' if len(differing) == 1 else ''}",
        "DOB_MISMATCH",
    )


def _declared_alpha2(declared: str, field: str, reason: str) -> str:
    alpha2 = to_alpha2(declared)
    if alpha2 is None:
        raise InvalidInput(f"{field} must be an ISO 3166 alpha-2 or alpha-3 code", reason=reason,
                           metadata={"field": field})
    return alpha2


def compare_nationality(declared: str, nationality: str) -> FieldResult:
    """Compare a declared nationality (ISO alpha-2 or alpha-3) with the document's nationality.

    MATCH when they name one state (ICAO codes such as ``D`` and ``GBD`` resolve to theirs),
    NO_MATCH with NATIONALITY_MISMATCH otherwise, NOT_COMPARED when either side is empty.
    Raises :class:`InvalidInput` (NATIONALITY_INVALID) when the declared code names no country.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared nationality")
    alpha2 = _declared_alpha2(declared, "declared.nationality", "NATIONALITY_INVALID")
    alpha3 = to_alpha3(alpha2) or alpha2
    code = nationality.strip().strip("<").upper()
    if not code:
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, alpha3, "", "no nationality on the document")
    if to_alpha2(code) == alpha2:
        return FieldResult(MatchLevel.MATCH, 100.0, alpha3, code, "matches the nationality")
    return FieldResult(MatchLevel.NO_MATCH, 0.0, alpha3, code, "another nationality than the document's",
                       "NATIONALITY_MISMATCH")


def compare_residence(declared: str, nationality: str, issuing_country: str) -> FieldResult:
    """Compare a declared country of residence with the document's issuing state and nationality.

    Information only: MATCH when it names either, NO_MATCH (with no reason code) when the
    holder lives elsewhere, which is normal; NOT_COMPARED when either side is empty. Raises
    :class:`InvalidInput` (COUNTRY_INVALID) when the declared code names no country.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared residence")
    alpha2 = _declared_alpha2(declared, "declared.residence_country", "COUNTRY_INVALID")
    alpha3 = to_alpha3(alpha2) or alpha2
    codes = [c for c in (issuing_country.strip().strip("<").upper(), nationality.strip().strip("<").upper()) if c]
    if not codes:
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, alpha3, "", "no country on the document")
    reference = "/".join(dict.fromkeys(codes))
    if any(to_alpha2(code) == alpha2 for code in codes):
        return FieldResult(MatchLevel.MATCH, 100.0, alpha3, reference, "lives in the issuing state or nationality")
    return FieldResult(MatchLevel.NO_MATCH, 0.0, alpha3, reference,
                       "lives away from the issuing state and nationality (normal; no reason)")


def compare_country(declared: str, nationality: str, issuing_country: str) -> FieldResult:
    """Compare a declared country (ISO alpha-2 or alpha-3) with the document's ICAO codes.

    MATCH when it names the holder's nationality or the issuing state (ICAO ``D`` is Germany,
    ``GBD`` ... are British). NO_MATCH with COUNTRY_MISMATCH otherwise; NOT_COMPARED when
    either side is empty. Raises :class:`InvalidInput` with reason COUNTRY_INVALID when the
    declared code names no country.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared country")
    alpha2 = to_alpha2(declared)
    if alpha2 is None:
        raise InvalidInput(
            "declared country must be an ISO 3166 alpha-2 or alpha-3 code",
            reason="COUNTRY_INVALID",
            metadata={"field": "declared.country"},
        )
    alpha3 = to_alpha3(alpha2) or alpha2
    codes = [(label, code.strip().strip("<").upper()) for label, code in (("nationality", nationality), ("issuing country", issuing_country))]
    codes = [(label, code) for label, code in codes if code]
    if not codes:
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, alpha3, "", "no country on the document")
    reference = "/".join(dict.fromkeys(code for _, code in codes))
    for label, code in codes:
        if to_alpha2(code) == alpha2:
            return FieldResult(MatchLevel.MATCH, 100.0, alpha3, reference, f"matches the {label}")
    return FieldResult(
        MatchLevel.NO_MATCH, 0.0, alpha3, reference, "neither nationality nor issuing country", "COUNTRY_MISMATCH"
    )


def compare_email(declared: str, known: Sequence[str]) -> FieldResult:
    """Validate and normalise a declared email and compare it with known ones.

    The canonical form follows :func:`idverify.profile.contacts.normalize_email` (case,
    dots and +tags for the providers that ignore them). NO_MATCH with EMAIL_INVALID when the
    declared value is not an email address; MATCH when it reaches the same mailbox as a known
    address; NO_MATCH with EMAIL_MISMATCH when it reaches none; NOT_COMPARED when nothing was
    declared or no valid address is known. Known values that are not emails are ignored.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared email")
    try:
        mine = normalize_email(declared)
    except InvalidInput:
        return FieldResult(MatchLevel.NO_MATCH, 0.0, "", "", "not a valid email address", "EMAIL_INVALID")
    return _compare_known(mine, _normalized(known, normalize_email), "email", "EMAIL_MISMATCH")


def compare_phone(declared: str, known: Sequence[str], default_region: str | None) -> FieldResult:
    """Parse a declared phone to E.164 and compare it with known numbers.

    ``default_region`` (ISO alpha-2/alpha-3 or ICAO code, or ``None``) reads numbers written
    in national form, declared and known alike. NO_MATCH with PHONE_INVALID when the declared
    value is not a valid number; MATCH when equal in E.164 to a known number; NO_MATCH with
    PHONE_MISMATCH when equal to none; NOT_COMPARED when nothing was declared or no valid
    number is known.
    """
    if not declared.strip():
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, detail="no declared phone")
    try:
        mine = normalize_phone(declared, default_region)
    except InvalidInput:
        return FieldResult(MatchLevel.NO_MATCH, 0.0, "", "", "not a valid phone number", "PHONE_INVALID")
    return _compare_known(mine, _normalized(known, lambda v: normalize_phone(v, default_region)), "phone", "PHONE_MISMATCH")


def _normalized(values: Sequence[str], normalize) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(normalize(value))
        except InvalidInput:
            continue
    return out


def _compare_known(mine: str, known: list[str], what: str, reason: str) -> FieldResult:
    if not known:
        return FieldResult(MatchLevel.NOT_COMPARED, 0.0, mine, "", f"valid; no known {what} to compare with")
    if mine in known:
        return FieldResult(MatchLevel.MATCH, 100.0, mine, mine, f"same {what} as a known one")
    closest = max(known, key=lambda k: fuzz.ratio(mine, k))
    return FieldResult(
        MatchLevel.NO_MATCH, round(fuzz.ratio(mine, closest), 2), mine, closest, f"differs from every known {what}", reason
    )
