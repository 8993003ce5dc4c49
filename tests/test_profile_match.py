"""Tests for idverify.profile.match: the whole MatchProfileResponse."""

from __future__ import annotations

import datetime as dt

import pytest

from idverify.errors import InvalidInput
from idverify.profile.match import match_profile, mrz_name_field_full
from idverify.profile.name_match import NameMatcher
from idverify.profile.settings import ProfileSettings
from idverify.v1 import verification_service_pb2 as pb

TODAY = dt.date(2026, 11, 24)
DOC = pb.Document(surname="MUELLER", given_names="HANS PETER", birth_date="1980-03-14", nationality="D", issuing_country="D")


def _declared(**kw) -> pb.DeclaredProfile:
    base = dict(full_name="Hans Müller", birth_date="1980-03-14", country="DE", email="hans@example.org", phone="0151 12345678")
    base.update(kw)
    return pb.DeclaredProfile(**base)


def test_every_field_filled() -> None:
    response = match_profile(_declared(), DOC, ["Hans@Example.org"], ["+4915112345678"], today=TODAY)
    assert response.level == pb.MATCH_LEVEL_MATCH
    assert response.name.level == pb.MATCH_LEVEL_MATCH and response.name.score > 90
    assert response.birth_date.declared_normalized == "1980-03-14"
    assert response.country.declared_normalized == "DEU"
    assert response.email.level == pb.MATCH_LEVEL_MATCH
    assert response.phone.reference_normalized == "+4915112345678"
    assert not response.reasons


def test_reasons_and_worst_level() -> None:
    response = match_profile(
        _declared(full_name="J. Mueller", email="bad@", phone="1"),
        pb.Document(surname="MUELLER", given_names="HANS", birth_date="1980-03-14", nationality="AUT"),
        ["x@example.org"],
        ["+4915112345678"],
        today=TODAY,
    )
    codes = [r.code for r in response.reasons]
    assert codes == ["NAME_MISMATCH", "COUNTRY_MISMATCH", "EMAIL_INVALID", "PHONE_INVALID"]
    assert response.level == pb.MATCH_LEVEL_NO_MATCH
    for reason in response.reasons:  # safe to log: no personal data in messages
        assert "mueller" not in reason.message.lower() and "@" not in reason.message


def test_partial_levels() -> None:
    doc = pb.Document(surname="MUELLER", given_names="HANS", birth_date="1980-04-03", nationality="D")
    response = match_profile(_declared(full_name="H. Mueller", birth_date="1980-03-04"), doc, today=TODAY)
    assert [r.code for r in response.reasons] == ["NAME_PARTIAL", "DOB_PARTIAL"]
    assert response.level == pb.MATCH_LEVEL_PARTIAL


def test_not_compared_fields() -> None:
    response = match_profile(pb.DeclaredProfile(full_name="Hans Mueller"), pb.Document(), today=TODAY)
    assert response.level == pb.MATCH_LEVEL_NOT_COMPARED
    assert [r.code for r in response.reasons] == ["NAME_NOT_COMPARED"]
    assert response.email.level == pb.MATCH_LEVEL_NOT_COMPARED


def test_phone_region_falls_back_to_the_document() -> None:
    response = match_profile(_declared(country=""), DOC, [], ["+49 151 12345678"], today=TODAY)
    assert response.phone.level == pb.MATCH_LEVEL_MATCH


@pytest.mark.parametrize(
    ("declared", "reason"),
    [
        (pb.DeclaredProfile(), "MISSING_FIELD"),
        (pb.DeclaredProfile(full_name="Hans", birth_date="March 1980"), "BIRTH_DATE_INVALID"),
        (pb.DeclaredProfile(full_name="Hans", country="XX"), "COUNTRY_INVALID"),
    ],
)
def test_unevaluable_requests_raise(declared, reason) -> None:
    with pytest.raises(InvalidInput) as info:
        match_profile(declared, DOC, today=TODAY)
    assert info.value.reason == reason


def test_truncation_from_the_mrz_lines() -> None:
    line3 = "VANDERBERGHE<<CHARLOTTE<MARIE<"  # ends in a filler: not truncated
    assert not mrz_name_field_full(pb.Document(mrz_format=pb.MRZ_FORMAT_TD1, mrz_lines=["", "", line3]))
    full = pb.Document(mrz_format=pb.MRZ_FORMAT_TD1, mrz_lines=["", "", "VANDERBERGHE<<CHARLOTTE<MARIEL"])
    assert mrz_name_field_full(full)
    doc = pb.Document(surname="VANDERBERGHE", given_names="CHARLOTTE MARIEL", mrz_format=pb.MRZ_FORMAT_TD1,
                      mrz_lines=["", "", "VANDERBERGHE<<CHARLOTTE<MARIEL"])  # fmt: skip
    declared = pb.DeclaredProfile(full_name="Charlotte Marielle Vanderberghe")
    assert match_profile(declared, doc, today=TODAY).name.level == pb.MATCH_LEVEL_MATCH
    doc.ClearField("mrz_lines")
    assert match_profile(declared, doc, today=TODAY).name.level != pb.MATCH_LEVEL_MATCH
    doc.name_truncated = True
    assert match_profile(declared, doc, today=TODAY).name.level == pb.MATCH_LEVEL_MATCH


def test_settings_and_matcher_are_used() -> None:
    strict = ProfileSettings(name_match_score=99.9, name_partial_score=0.0)
    declared = pb.DeclaredProfile(full_name="Hans Muller")
    assert match_profile(declared, DOC, settings=strict).name.level == pb.MATCH_LEVEL_PARTIAL
    assert match_profile(declared, DOC, matcher=NameMatcher(strict)).name.level == pb.MATCH_LEVEL_PARTIAL
    assert match_profile(declared, DOC).name.level == pb.MATCH_LEVEL_MATCH


def test_residence_away_from_the_issuing_state_is_information_not_a_reason() -> None:
    """A German living in Spain: the residence differs from the passport, and nothing is wrong."""
    response = match_profile(_declared(country="", nationality="DE", residence_country="ES", phone="612 345 678"),
                             DOC, [], [], today=TODAY)
    assert response.residence.level == pb.MATCH_LEVEL_NO_MATCH
    assert response.residence.declared_normalized == "ESP" and "normal" in response.residence.detail
    assert response.nationality.level == pb.MATCH_LEVEL_MATCH
    assert response.level == pb.MATCH_LEVEL_MATCH and not response.reasons
    assert response.phone.declared_normalized == "+34612345678"  # the residence is the phone's region


def test_a_declared_nationality_other_than_the_documents_is_a_mismatch() -> None:
    response = match_profile(_declared(country="", nationality="FR", residence_country="DE"), DOC, [], [], today=TODAY)
    assert response.nationality.level == pb.MATCH_LEVEL_NO_MATCH
    assert [r.code for r in response.reasons] == ["NATIONALITY_MISMATCH"]
    assert response.residence.level == pb.MATCH_LEVEL_MATCH


@pytest.mark.parametrize("field, reason", [("nationality", "NATIONALITY_INVALID"),
                                           ("residence_country", "COUNTRY_INVALID")])
def test_a_declared_code_that_names_no_country_is_invalid(field, reason) -> None:
    with pytest.raises(InvalidInput) as info:
        match_profile(_declared(**{field: "ZZZ"}), DOC, [], [], today=TODAY)
    assert info.value.reason == reason and info.value.metadata["field"] == f"declared.{field}"
