"""Tests for idverify.profile.contacts: email and phone normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.errors import InvalidInput
from idverify.profile.contacts import PROVIDER_RULES, normalize_email, normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" John.Doe+ads@GoogleMail.com ", "johndoe@gmail.com"),
        ("j.o.h.n.doe@gmail.com", "johndoe@gmail.com"),
        ("JohnDoe@GMAIL.COM", "johndoe@gmail.com"),
        ("a.b+shop@outlook.com", "a.b@outlook.com"),
        ("a.b+shop@hotmail.co.uk", "a.b@hotmail.co.uk"),
        ("first.last+x@icloud.com", "first.last@icloud.com"),
        ("me+news@fastmail.com", "me@fastmail.com"),
        ("me+news@proton.me", "me@proton.me"),
        # Unknown providers keep dots and tags: they may be significant there.
        ("a.b+c@example.org", "a.b+c@example.org"),
        ("Jane@Example.ORG", "jane@example.org"),
        # Internationalised domains in either form compare equal.
        ("a@xn--bcher-kva.de", "a@bücher.de"),
        ("a@BÜCHER.de", "a@bücher.de"),
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "nope", "a@b", "John <john@example.com>", "a@@example.com", "+@gmail.com", "..@gmail.com", "a b@example.com"],
)
def test_normalize_email_rejects(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_email(raw)
    assert info.value.reason == "EMAIL_INVALID"


def test_provider_table_folds_googlemail() -> None:
    assert PROVIDER_RULES["googlemail.com"][0] == "gmail.com"
    assert normalize_email("x.y@googlemail.com") == normalize_email("xy+1@gmail.com")


@given(st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,8}){0,2}", fullmatch=True), st.sampled_from(sorted(PROVIDER_RULES)))
def test_normalize_email_is_idempotent(local: str, domain: str) -> None:
    once = normalize_email(f"{local}@{domain}")
    assert normalize_email(once) == once


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("0151 12345678", "DE", "+4915112345678"),
        ("0151 12345678", "DEU", "+4915112345678"),
        ("0151/123 456 78", "D", "+4915112345678"),  # ICAO code for Germany
        ("+49 151 12345678", None, "+4915112345678"),
        ("0049 151 12345678", None, "+4915112345678"),
        ("+49 151 12345678", "FR", "+4915112345678"),  # international form wins over region
        ("(650) 253-0000", "us", "+16502530000"),
        ("07400 123456", "GBR", "+447400123456"),
        ("06 12 34 56 78", "FR", "+33612345678"),
    ],
)
def test_normalize_phone(raw: str, region: str | None, expected: str) -> None:
    assert normalize_phone(raw, region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [("123", "DE"), ("abc", None), ("0151 12345678", None), ("", "DE"), ("+49 1", None), ("07700 900123", "GB")],
)
def test_normalize_phone_rejects(raw: str, region: str | None) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_phone(raw, region)
    assert info.value.reason == "PHONE_INVALID"


def test_normalize_phone_unknown_region() -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_phone("0151 12345678", "ZZZ")
    assert info.value.reason == "COUNTRY_INVALID"
