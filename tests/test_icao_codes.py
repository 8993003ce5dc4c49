"""Tests for idverify.icao.codes: the one table of ICAO 9303 codes beyond ISO 3166, read alike by
the MRZ parser and the profile matcher."""

from __future__ import annotations

import pycountry
import pytest

from idverify.documents.mrz.countries import is_known_country
from idverify.icao.codes import ICAO_SPECIAL_CODES
from idverify.profile.countries import to_alpha2, to_alpha3

#: Doc 9303 Part 3 codes and the state each belongs to (None: no state), written out from the
#: document rather than read from the table, so that a code dropped from it fails here.
PART_3 = {
    "D": "DE", "GBD": "GB", "GBN": "GB", "GBO": "GB", "GBP": "GB", "GBS": "GB", "RKS": "XK",
    "UNK": "XK", "EUE": None, "UNO": None, "UNA": None, "XBA": None, "XIM": None,
    "XCC": None, "XCE": None, "XCO": None, "XDC": None, "XEC": None, "XES": None, "XMP": None,
    "XOM": None, "XPO": None, "INP": None, "XXA": None, "XXB": None, "XXC": None, "XXX": None,
    "UTO": None,
}  # fmt: skip


@pytest.mark.parametrize(("code", "alpha2"), sorted(PART_3.items()))
def test_the_mrz_parser_and_the_profile_matcher_read_a_code_alike(code: str, alpha2: str | None) -> None:
    assert code in ICAO_SPECIAL_CODES
    assert is_known_country(code)  # the MRZ takes the field as valid ...
    assert to_alpha2(code) == alpha2  # ... and the matcher resolves it to the same state
    assert to_alpha2(code + "<" * (3 - len(code))) == alpha2  # as the MRZ pads it


def test_every_code_in_the_table_is_known_to_both_engines() -> None:
    for code, special in ICAO_SPECIAL_CODES.items():
        assert is_known_country(code), code
        assert to_alpha2(code) == special.alpha2, code
        assert special.name


def test_the_codes_are_not_iso_3166() -> None:
    """A special code that ISO also assigned would shadow the ISO country."""
    for code in ICAO_SPECIAL_CODES:
        assert pycountry.countries.get(alpha_3=code) is None, code


def test_state_codes_resolve_to_an_iso_alpha3() -> None:
    assert to_alpha3("GBN") == "GBR"
    assert to_alpha3("XCE") is None
