"""MRZ dates: century inference, unknown parts, invalid dates."""

import datetime as dt

import pytest

from idverify.documents.mrz.dates import mrz_date_string, parse_mrz_date

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("raw", "kind", "iso"),
    [
        ("740812", "birth", "1974-08-12"),
        ("051231", "birth", "2005-12-31"),
        ("261124", "birth", "2026-11-24"),  # born today
        ("261125", "birth", "1926-11-25"),  # tomorrow in 2026 would be the future
        ("120415", "expiry", "2012-04-15"),
        ("350101", "expiry", "2035-01-01"),
        ("760101", "expiry", "2076-01-01"),
        ("770101", "expiry", "1977-01-01"),
        ("75<<<<", "birth", "1975-XX-XX"),
        ("7503<<", "birth", "1975-03-XX"),
        ("75XXXX", "birth", "1975-XX-XX"),
        ("7511XX", "birth", "1975-11-XX"),
        ("000229", "birth", "2000-02-29"),
    ],
)
def test_valid_dates(raw, kind, iso):
    date = parse_mrz_date(raw, kind, TODAY)
    assert date.valid and date.iso == iso


@pytest.mark.parametrize("raw", ["741312", "740832", "010229", "7408", "AB0812", "74<<12", "7408O1", "", "74081212"])
def test_invalid_dates(raw):
    date = parse_mrz_date(raw, "birth", TODAY)
    assert not date.valid and date.iso == "" and date.as_date() is None


def test_unknown_parts_as_first_or_last():
    date = parse_mrz_date("75<<<<", "birth", TODAY)
    assert date.as_date() == dt.date(1975, 1, 1)
    assert date.as_date(unknown_as="last") == dt.date(1975, 12, 31)
    assert parse_mrz_date("7402<<", "birth", TODAY).as_date(unknown_as="last") == dt.date(1974, 2, 28)


def test_round_trip_string():
    assert mrz_date_string(dt.date(1999, 1, 2)) == "990102"
