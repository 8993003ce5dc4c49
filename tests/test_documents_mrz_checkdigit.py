"""Check digits and country codes of idverify.documents.mrz."""

import pytest

from idverify.documents.mrz.checkdigit import char_value, check_digit, is_valid
from idverify.documents.mrz.countries import is_known_country, normalize_country


@pytest.mark.parametrize(
    ("data", "digit"),
    [
        # Doc 9303 part 3 worked examples and real specimens.
        ("L898902C3", "6"),
        ("740812", "2"),
        ("120415", "9"),
        ("ZE184226B", "1"),
        ("<<<<<<<<<<<<<<", "0"),
        ("D23145890", "7"),
        ("520727", "3"),
        ("AB2134<<<", "5"),
        ("", "0"),
    ],
)
def test_known_check_digits(data, digit):
    assert check_digit(data) == digit
    assert is_valid(data, digit)


def test_every_character_has_its_icao_value():
    for i, ch in enumerate("0123456789"):
        assert char_value(ch) == i
    for i, ch in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        assert char_value(ch) == 10 + i
    assert char_value("<") == 0
    for bad in ("a", "-", " ", "É", "", "AB"):
        assert char_value(bad) is None


def test_weights_are_7_3_1_repeating():
    # A single 1 at position i contributes the weight of i.
    for i, weight in enumerate([7, 3, 1, 7, 3, 1, 7]):
        data = "<" * i + "1"
        assert check_digit(data) == str(weight % 10)


def test_illegal_character_gives_question_mark_and_never_validates():
    assert check_digit("AB-12") == "?"
    assert not is_valid("AB-12", "?")


def test_filler_check_digit_only_for_an_empty_field():
    assert is_valid("<<<<<<<<<<<<<<", "<", empty_filler_ok=True)
    assert not is_valid("<<<<<<<<<<<<<<", "<")
    assert not is_valid("1234<<<<<<<<<<", "<", empty_filler_ok=True)


@pytest.mark.parametrize("code", ["DEU", "FRA", "UTO", "D", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO",
                                  "UNA", "UNK", "XXA", "XXB", "XXC", "XXX", "EUE", "DE", "ES"])
def test_known_countries(code):
    assert is_known_country(code)


@pytest.mark.parametrize("code", ["ZZZ", "QQ", "", "DDD", "A"])
def test_unknown_countries(code):
    assert not is_known_country(code)


def test_germany_filler_code():
    assert normalize_country("D<<") == "D"
