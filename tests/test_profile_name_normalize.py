"""Tests for idverify.profile.name_normalize: tokens and their Latin spellings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.profile.name_normalize import tokenize


def _forms(name: str) -> list[tuple[str, str, str]]:
    return [(t.icao, t.plain, t.folded) for t in tokenize(name)]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Müller", [("mueller", "muller", "muller")]),
        ("Groß", [("gross", "gross", "gross")]),
        ("Ångström", [("aangstroem", "angstrom", "angstrom")]),
        ("Jørgensen", [("joergensen", "jorgensen", "jorgensen")]),
        ("Þór", [("thor", "thor", "thor")]),
        ("Sæther", [("saether", "saether", "sather")]),
        ("Núñez", [("nunez", "nunez", "nunez")]),
        ("Łukasz", [("lukasz", "lukasz", "lukasz")]),
        ("Щукина", [("shchukina", "shchukina", "shchukina")]),
        ("Юлия", [("iuliia", "yuliya", "iuliia")]),
        ("Ｍａｒｉａ", [("maria", "maria", "maria")]),  # full-width letters (NFKC)
    ],
)
def test_transliterations(name: str, expected: list[tuple[str, str, str]]) -> None:
    assert _forms(name) == expected


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("O'Brien, Seán", ["obrien", "seán"]),  # apostrophes dropped as in the MRZ
        ("O’Brien", ["obrien"]),
        ("MUELLER<<HANS<PETER", ["mueller", "hans", "peter"]),  # MRZ fillers separate
        ("Garcia-López", ["garcia", "lópez"]),
        ("  J.  F.  Kennedy ", ["j", "f", "kennedy"]),
        ("张小明", ["张", "小", "明"]),  # one token per syllable
        ("", []),
        ("---", []),
    ],
)
def test_tokens(name: str, texts: list[str]) -> None:
    assert [t.text for t in tokenize(name)] == texts


def test_romanised_key_merges_cyrillic_spellings() -> None:
    (old,) = tokenize("Yakovlev")
    (icao,) = tokenize("IAKOVLEV")
    assert old.forms & icao.forms
    (short,) = tokenize("Ian")  # too short for the key: Ian is not Yan
    (yan,) = tokenize("Yan")
    assert not short.forms & yan.forms


def test_particles_are_flagged() -> None:
    assert [t.particle for t in tokenize("Maria de la Cruz")] == [False, True, True, False]


@given(st.text(max_size=40))
def test_any_text_tokenizes_to_ascii_forms(text: str) -> None:
    for token in tokenize(text):
        assert token.text
        for form in token.forms:
            assert form.isascii() and form == form.lower()


@given(st.from_regex(r"[A-Za-z]{1,10}( [A-Za-z]{1,10}){0,3}", fullmatch=True))
def test_ascii_names_keep_their_letters(name: str) -> None:
    assert [t.plain for t in tokenize(name)] == name.lower().split()
