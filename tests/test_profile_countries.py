"""Tests for idverify.profile.countries: ISO and ICAO country codes."""

from __future__ import annotations

import pycountry
import pytest

from idverify.profile.countries import ICAO_SPECIAL_CODES, to_alpha2, to_alpha3


@pytest.mark.parametrize(
    ("code", "alpha2"),
    [("DE", "DE"), ("deu", "DE"), ("D", "DE"), ("D<<", "DE"), ("GBD", "GB"), ("GBR", "GB"),
     ("RKS", "XK"), ("XXA", None), ("UNO", None), ("ZZZ", None), ("", None), ("1A", None)],
)  # fmt: skip
def test_to_alpha2(code: str, alpha2: str | None) -> None:
    assert to_alpha2(code) == alpha2


def test_every_iso_country_round_trips() -> None:
    for country in pycountry.countries:
        assert to_alpha2(country.alpha_3) == country.alpha_2
        assert to_alpha3(country.alpha_2) == country.alpha_3


def test_special_codes_are_not_iso() -> None:
    for code in ICAO_SPECIAL_CODES:
        assert pycountry.countries.get(alpha_3=code) is None
    assert to_alpha3("D") == "DEU"
    assert to_alpha3("RKS") == "XKX"
