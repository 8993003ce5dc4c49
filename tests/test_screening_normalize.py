"""Views that undo disguises keep every character's place in the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idverify.screening.homoglyphs import load_homoglyphs
from idverify.screening.normalize import at_dot_view, disguises_of, dot_view, fold, words_view


@pytest.fixture(scope="module")
def table():
    return load_homoglyphs()


def test_homoglyphs_fold_to_latin(table):
    view = fold("p\u0430yp\u0430l", table)  # Cyrillic a
    assert view.text == "paypal"
    assert disguises_of(view.tag(0, 6)) == ["homoglyph"]
    assert view.span(1, 2) == (1, 2)


def test_at_dot_words_and_spans(table):
    original = "x john at example dot com y"
    view = at_dot_view(fold(original, table))
    assert "john@example.com" in view.text
    a = view.text.index("john@")
    start, end = view.span(a, a + len("john@example.com"))
    assert original[start:end] == "john at example dot com"


def test_sentence_dot_is_not_a_dot_word(table):
    assert dot_view(fold("Done by 5. It runs", table)).text == "done by 5. it runs"


def test_words_view(table):
    view = words_view(fold("five five five, w h a t s a p p, t3l3gram, no one", table))
    assert view.text == "555, whatsapp, telegram, no one"
    assert "spelled_digits" in disguises_of(view.tag(0, 3))


def test_numbers_and_codes_are_not_leetspeak(table):
    assert words_view(fold("GB82WEST12345698765432 1Z999AA10123", table)).text == "gb82west12345698765432 1z999aa10123"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab5 .@-at dot five\u0430\uff41!$1")), max_size=60))
def test_every_view_maps_inside_the_original(text):
    table = load_homoglyphs.__wrapped__() if hasattr(load_homoglyphs, "__wrapped__") else _TABLE
    for view in (fold(text, table), at_dot_view(fold(text, table)), words_view(fold(text, table))):
        for i in range(len(view.text)):
            start, end = view.span(i, i + 1)
            assert 0 <= start < end <= len(text)


_TABLE = load_homoglyphs()
