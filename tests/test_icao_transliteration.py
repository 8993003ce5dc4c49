"""Tests for idverify.icao.transliteration: the one ICAO 9303 table, and both engines agreeing on it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idverify.documents.mrz import transliterate
from idverify.icao.transliteration import ICAO_TRANSLITERATION, to_latin
from idverify.profile.name_normalize import tokenize

# Cyrillic, Latin letters with ICAO digraphs, plain diacritics and Greek (anyascii on both paths).
NAMES = [
    "Юлия", "Щукин", "Юлия Щукина", "Ольга Ивановна", "Хрущёв", "Цой", "Жуков", "Объедков",
    "Рыжий", "Яковлев", "Йосиф", "Їжак", "Єва", "Ґонта", "Љубица Његовић", "Џеко", "Ђорђе",
    "Müller", "Ærø", "Jørgensen", "Ångström", "Strauß", "Þór", "Sæther", "Œuvray", "Łukasz",
    "Đorđević", "Dvořák", "Núñez", "García-Márquez", "O'Brien", "Mu\u0308ller",
    "Αλέξανδρος Παπαδόπουλος",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
def test_the_mrz_and_the_name_matcher_spell_a_name_alike(name: str) -> None:
    """What the MRZ composer writes is what the matcher takes as the ICAO spelling."""
    matcher = "<".join(token.icao for token in tokenize(name)).upper()
    assert transliterate(name) == matcher


@pytest.mark.parametrize(
    ("name", "latin"),
    [("Юлия", "IULIIA"), ("Щукин", "SHCHUKIN"), ("Хрущёв", "KHRUSHCHEV"), ("Цой", "TSOI"),
     ("Объедков", "OBIEEDKOV"), ("Рыжий", "RYZHII"), ("Ольга", "OLGA"), ("Єва", "IEVA"),
     ("Їжак", "IZHAK"), ("Ґонта", "GONTA"), ("Љубица", "LJUBITSA"), ("Џеко", "DZEKO"),
     ("Müller", "MUELLER"), ("Ærø", "AEROE"), ("Ångström", "AANGSTROEM"), ("Strauß", "STRAUSS"),
     ("Þór", "THOR"), ("Ðuro", "DURO"), ("Ĳssel", "IJSSEL"), ("Mu\u0308ller", "MUELLER"),
     ("Ｍａｒｉａ", "MARIA"), ("O'Brien", "OBRIEN"), ("José-María", "JOSE-MARIA")],
)  # fmt: skip
def test_to_latin(name: str, latin: str) -> None:
    assert to_latin(name) == latin


def test_table_a_letters_not_in_the_table_are_the_bare_letter() -> None:
    """Table A's other letters are the letter without its diacritic, which anyascii gives."""
    for char in "ÀÁÂÃÇÈÉÊËÌÍÎÏÑÒÓÔÕÙÚÛÝŸĀĂĄĆĈĊČĎĒĔĖĘĚĜĞĠĢĤĨĪĬĮİĴĶĹĻĽŃŅŇŌŎŐŔŖŘŚŜŞŠŢŤŨŪŬŮŰŲŴŶŹŻŽ":
        assert char not in ICAO_TRANSLITERATION
        assert to_latin(char) == unicodedata.normalize("NFD", char)[0], char


def test_the_table_is_upper_case_to_upper_case_ascii() -> None:
    for char, latin in ICAO_TRANSLITERATION.items():
        assert char == char.upper() or char == "ß", char
        assert latin.isascii() and latin == latin.upper()


@given(st.text(max_size=30))
def test_any_text_becomes_upper_case_ascii(text: str) -> None:
    latin = to_latin(text)
    assert latin.isascii() and latin == latin.upper()
