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


def test_right_to_left_override_is_read_in_display_order(table):
    original = "mail \u202emoc.elpmaxe@nhoj\u202c now"
    view = at_dot_view(fold(original, table))
    assert view.text == "mail john@example.com now"
    a = view.text.index("john")
    start, end = view.span(a, a + len("john@example.com"))
    assert original[start:end] == "moc.elpmaxe@nhoj"
    assert "unicode" in disguises_of(view.tag(a, a + 4))


def test_defanged_and_foreign_at_dot_words(table):
    assert at_dot_view(fold("ana(@)example[.]com", table)).text == "ana@example.com"
    assert at_dot_view(fold("ANA AT EXAMPLE DOT COM", table)).text == "ana@example.com"
    assert at_dot_view(fold("ana arroba example punto com", table)).text == "ana@example.com"
    assert at_dot_view(fold("max at example Punkt de", table)).text == "max@example.de"
    assert at_dot_view(fold("ivan собака example точка ru", table)).text == "ivan@example.ru"
    assert dot_view(fold("hxxps://x[.]example[.]net", table)).text == "https://x.example.net"
    # "punto de venta" is a point of sale, not a dot before a suffix
    assert dot_view(fold("el punto de venta", table)).text == "el punto de venta"


def test_read_out_digits(table):
    assert words_view(fold("oh seven seven double oh nine triple one", table)).text == "077 00 9 111"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab5 .@-at dot five\u0430\uff41!$1[]()\u202e\u202c\n")), max_size=60))
def test_every_view_maps_inside_the_original(text):
    table = load_homoglyphs.__wrapped__() if hasattr(load_homoglyphs, "__wrapped__") else _TABLE
    for view in (fold(text, table), at_dot_view(fold(text, table)), words_view(fold(text, table))):
        for i in range(len(view.text)):
            start, end = view.span(i, i + 1)
            assert 0 <= start < end <= len(text)


_TABLE = load_homoglyphs()
