"""Tests for idverify.profile.field_match: date of birth, country, email and phone."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.errors import InvalidInput
from idverify.profile.field_match import (
    compare_birth_date,
    compare_country,
    compare_email,
    compare_phone,
    parse_declared_birth_date,
)
from idverify.profile.name_match import MatchLevel

TODAY = dt.date(2026, 11, 24)
M, P, N, NC = MatchLevel.MATCH, MatchLevel.PARTIAL, MatchLevel.NO_MATCH, MatchLevel.NOT_COMPARED


@pytest.mark.parametrize(
    ("declared", "document", "level", "reason", "detail"),
    [
        ("1980-03-14", "1980-03-14", M, "", "equal"),
        ("1980-03-04", "1980-04-03", P, "DOB_PARTIAL", "day and month swapped"),
        ("1980-03-03", "1980-03-03", M, "", "equal"),
        ("1980-03-14", "1980-XX-XX", M, "", "month and day unknown on the document"),
        ("1980-03-14", "1980-03-XX", M, "", "day unknown on the document"),
        ("1980-03-14", "1981-XX-XX", N, "DOB_MISMATCH", "year differs"),
        ("1980-03-14", "1980-03-15", N, "DOB_MISMATCH", "day differs"),
        ("1980-03-14", "1980-14-03", N, "DOB_MISMATCH", "month, day differ"),  # not a swap: day > 12
        ("1980-03-04", "1981-04-03", N, "DOB_MISMATCH", "year, month, day differ"),
        ("1980-03-14", "", NC, "DOB_NOT_COMPARED", "no date of birth on the document"),
        ("1980-03-14", "14.03.1980", NC, "DOB_NOT_COMPARED", "document date unreadable"),
        ("", "1980-03-14", NC, "", "no declared date of birth"),
    ],
)
def test_birth_date(declared, document, level, reason, detail) -> None:
    result = compare_birth_date(declared, document, TODAY)
    assert (result.level, result.reason, result.detail) == (level, reason, detail)


@pytest.mark.parametrize("value", ["14/03/1980", "1980-02-30", "1980-3-4", "yesterday", "2030-01-01", "1850-01-01"])
def test_declared_birth_date_must_be_a_date(value: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_declared_birth_date(value, TODAY)
    assert info.value.reason == "BIRTH_DATE_INVALID"
    assert info.value.metadata == {"field": "declared.birth_date"}


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_every_date_matches_itself(day: dt.date) -> None:
    assert compare_birth_date(day.isoformat(), day.isoformat(), TODAY).level == M


@pytest.mark.parametrize(
    ("declared", "nationality", "issuing", "level", "detail"),
    [
        ("DE", "D", "D", M, "matches the nationality"),
        ("deu", "D<<", "", M, "matches the nationality"),
        ("FR", "DEU", "FRA", M, "matches the issuing country"),
        ("GB", "GBD", "GBR", M, "matches the nationality"),
        ("AT", "D", "D", N, "neither nationality nor issuing country"),
        ("AT", "XXA", "AUT", M, "matches the issuing country"),
        ("AT", "", "", NC, "no country on the document"),
        ("", "DEU", "DEU", NC, "no declared country"),
    ],
)
def test_country(declared, nationality, issuing, level, detail) -> None:
    result = compare_country(declared, nationality, issuing)
    assert (result.level, result.detail) == (level, detail)
    if level == N:
        assert result.reason == "COUNTRY_MISMATCH"


@pytest.mark.parametrize("declared", ["Germany", "ZZ", "D1"])
def test_declared_country_must_be_a_code(declared: str) -> None:
    with pytest.raises(InvalidInput) as info:
        compare_country(declared, "DEU", "DEU")
    assert info.value.reason == "COUNTRY_INVALID"


def test_email() -> None:
    match = compare_email("J.Doe+ads@GoogleMail.com", ["not an email", "jdoe@gmail.com"])
    assert (match.level, match.declared_normalized, match.reference_normalized) == (M, "jdoe@gmail.com", "jdoe@gmail.com")
    miss = compare_email("jane@example.org", ["jdoe@gmail.com", "jane@example.com"])
    assert (miss.level, miss.reason, miss.reference_normalized) == (N, "EMAIL_MISMATCH", "jane@example.com")
    invalid = compare_email("jane(at)example.org", ["jane@example.org"])
    assert (invalid.level, invalid.reason) == (N, "EMAIL_INVALID")
    nothing_known = compare_email("jane@example.org", [])
    assert (nothing_known.level, nothing_known.declared_normalized, nothing_known.reason) == (NC, "jane@example.org", "")
    assert compare_email("", ["jane@example.org"]).level == NC


def test_phone() -> None:
    match = compare_phone("0151 12345678", ["+49 151 12345678"], "DE")
    assert (match.level, match.declared_normalized) == (M, "+4915112345678")
    national_known = compare_phone("+4915112345678", ["0151/12345678"], "DEU")
    assert national_known.level == M
    miss = compare_phone("0151 12345678", ["+49 151 12345679"], "DE")
    assert (miss.level, miss.reason) == (N, "PHONE_MISMATCH")
    invalid = compare_phone("12", ["+49 151 12345678"], "DE")
    assert (invalid.level, invalid.reason) == (N, "PHONE_INVALID")
    assert compare_phone("0151 12345678", [], "DE").level == NC
    assert compare_phone("", ["+4915112345678"], "DE").level == NC
