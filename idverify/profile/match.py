"""MatchProfile: a declared profile against a document's fields and known contact data.

Combines the name matcher and the field comparisons into the ``MatchProfileResponse`` message:
every field's level, score, normalised values and detail, the worst level over the compared
fields, and one reason per finding (source ``"profile"``): NAME_MISMATCH, NAME_PARTIAL,
NAME_NOT_COMPARED, DOB_MISMATCH, DOB_PARTIAL, DOB_NOT_COMPARED, COUNTRY_MISMATCH,
EMAIL_INVALID, EMAIL_MISMATCH, PHONE_INVALID, PHONE_MISMATCH. Reason messages carry scores and
kinds, never the names, dates or contact data themselves, so they are safe to log. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from idverify.errors import InvalidInput
from idverify.profile.countries import to_alpha2
from idverify.profile.field_match import (
    FieldResult,
    compare_birth_date,
    compare_country,
    compare_nationality,
    compare_residence,
    compare_email,
    compare_phone,
)
from idverify.profile.name_match import NameComparison, MatchLevel, NameMatcher, default_name_matcher
from idverify.profile.settings import ProfileSettings
from idverify.v1 import verification_service_pb2 as pb

__all__ = ["match_profile", "mrz_name_field_full"]

_SEVERITY = {MatchLevel.MATCH: 0, MatchLevel.PARTIAL: 1, MatchLevel.NO_MATCH: 2}
# Where the name field ends in each MRZ layout: (line index, line length).
_NAME_FIELD_LINE = {
    pb.MRZ_FORMAT_TD1: (2, 30),
    pb.MRZ_FORMAT_TD2: (0, 36),
    pb.MRZ_FORMAT_TD3: (0, 44),
    pb.MRZ_FORMAT_MRV_A: (0, 44),
    pb.MRZ_FORMAT_MRV_B: (0, 36),
}


def match_profile(
    declared: pb.DeclaredProfile,
    document: pb.Document,
    known_emails: Sequence[str] = (),
    known_phones: Sequence[str] = (),
    settings: ProfileSettings | None = None,
    *,
    matcher: NameMatcher | None = None,
    today: dt.date | None = None,
) -> pb.MatchProfileResponse:
    """Compare a declared profile with a document's fields and known emails and phones.

    ``matcher`` is the shared :class:`NameMatcher` built at start-up; without one, a matcher
    for ``settings`` (default settings when ``None``) is built once and reused. ``today``
    bounds the declared birth date (tests). The phone's default region is the declared
    residence, else the declared country, else the document's issuing country, else its
    nationality. A declared nationality is compared with the document's (NATIONALITY_MISMATCH);
    a declared residence only informs (``residence``: no reason, not in the overall level).

    Raises :class:`InvalidInput` when the request cannot be evaluated: every declared field is
    empty (MISSING_FIELD), the declared birth date is not a date (BIRTH_DATE_INVALID), or the
    declared country or residence names no country (COUNTRY_INVALID), or the declared nationality
    names none (NATIONALITY_INVALID). Every mismatch is a result.
    """
    if not any((declared.full_name, declared.birth_date, declared.email, declared.phone, declared.country,
                declared.nationality, declared.residence_country)):
        raise InvalidInput("the declared profile is empty", reason="MISSING_FIELD", metadata={"field": "declared"})
    if matcher is None:
        matcher = default_name_matcher() if settings is None else _matcher_for(settings)

    name = matcher.compare(
        declared.full_name,
        document.surname,
        document.given_names,
        document.name_truncated or mrz_name_field_full(document),
    )
    birth = compare_birth_date(declared.birth_date, document.birth_date, today)
    country = compare_country(declared.country, document.nationality, document.issuing_country)
    nationality = compare_nationality(declared.nationality, document.nationality)
    residence = compare_residence(declared.residence_country, document.nationality, document.issuing_country)
    email = compare_email(declared.email, known_emails)
    region = next(
        (
            code
            for code in (declared.residence_country, declared.country, document.issuing_country,
                         document.nationality)
            if code and to_alpha2(code)
        ),
        None,
    )
    phone = compare_phone(declared.phone, known_phones, region)

    reasons = _name_reasons(name, bool(declared.full_name.strip()))
    for label, result in (("date of birth", birth), ("country", country), ("nationality", nationality),
                          ("email", email), ("phone", phone)):
        if result.reason:
            reasons.append(pb.Reason(code=result.reason, message=f"{label}: {result.detail}", source="profile"))

    levels = [r.level for r in (name, birth, country, nationality, email, phone) if r.level in _SEVERITY]
    overall = max(levels, key=_SEVERITY.__getitem__) if levels else MatchLevel.NOT_COMPARED
    return pb.MatchProfileResponse(
        level=int(overall),
        name=pb.NameMatch(
            score=name.score,
            level=int(name.level),
            tokens=[
                pb.TokenMatch(declared=t.declared, document=t.document, kind=int(t.kind), score=t.score)
                for t in name.tokens
            ],
        ),
        birth_date=_field(birth),
        country=_field(country),
        nationality=_field(nationality),
        residence=_field(residence),
        email=_field(email),
        phone=_field(phone),
        reasons=reasons,
    )


def mrz_name_field_full(document: pb.Document) -> bool:
    """True when the document's MRZ name field is filled to its last character.

    ICAO 9303 truncates a name that does not fit, so a full field means the last name token may
    be cut short and further given names may be missing.
    """
    where = _NAME_FIELD_LINE.get(document.mrz_format)
    if where is None or len(document.mrz_lines) <= where[0]:
        return False
    line = document.mrz_lines[where[0]]
    return len(line) == where[1] and line[-1] != "<"


@lru_cache(maxsize=8)
def _matcher_for(settings: ProfileSettings) -> NameMatcher:
    return NameMatcher(settings)


def _name_reasons(name: NameComparison, declared: bool) -> list[pb.Reason]:
    notes = f" ({'; '.join(name.notes)})" if name.notes else ""
    if name.level == MatchLevel.NO_MATCH:
        return [pb.Reason(code="NAME_MISMATCH", message=f"name score {name.score:.1f}{notes}", source="profile")]
    if name.level == MatchLevel.PARTIAL:
        return [pb.Reason(code="NAME_PARTIAL", message=f"name score {name.score:.1f}{notes}", source="profile")]
    if name.level == MatchLevel.NOT_COMPARED and declared:
        return [pb.Reason(code="NAME_NOT_COMPARED", message="no name on the document", source="profile")]
    return []


def _field(result: FieldResult) -> pb.FieldMatch:
    return pb.FieldMatch(
        level=int(result.level),
        score=result.score,
        declared_normalized=result.declared_normalized,
        reference_normalized=result.reference_normalized,
        detail=result.detail,
    )
