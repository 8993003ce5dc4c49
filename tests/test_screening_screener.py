"""The screener over every category, disguise and clean look-alike, spans and redaction."""

from __future__ import annotations

import pytest

from idverify.screening import Screener, ScreeningSettings
from tests.screening_cases import CLEAN, CLEAN_PROFILE, PROFILE_VIOLATIONS, VIOLATIONS


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.build(ScreeningSettings())


@pytest.mark.parametrize("text,category,value,disguise", VIOLATIONS, ids=[f"{c}-{i}" for i, (_, c, _, _) in
                                                                         enumerate(VIOLATIONS)])
def test_violation_is_found_with_value_disguise_and_span(screener, text, category, value, disguise):
    result = screener.screen_message(text)
    hits = [f for f in result.findings if f.category == category]
    assert hits, [(f.category, f.value) for f in result.findings]
    f = hits[0]
    if value is not None:
        assert f.value == value
    if disguise is not None:
        assert disguise in f.disguises
    assert 0 <= f.start < f.end <= len(text)
    assert f"[{category}]" in result.redacted["text"] or any(
        f"[{g.category}]" in result.redacted["text"] for g in result.findings)
    assert result.decision in ("WARN", "BLOCK")


@pytest.mark.parametrize("text", CLEAN)
def test_clean_look_alike_has_no_finding(screener, text):
    result = screener.screen_message(text)
    assert not result.findings, [(f.category, text[f.start:f.end]) for f in result.findings]
    assert result.decision == "ALLOW"
    assert result.redacted["text"] == text


def test_span_points_at_the_disguised_original(screener):
    text = "ok, john at example dot com, thanks"
    [f] = screener.screen_message(text).findings
    assert text[f.start:f.end] == "john at example dot com"


def test_card_is_not_also_a_phone(screener):
    result = screener.screen_message("card 4111 1111 1111 1111")
    assert [f.category for f in result.findings] == ["CARD_NUMBER"]


def test_contract_override_allows_a_link(screener):
    text = "repo at https://code.example.org/project"
    assert screener.screen_message(text).decision == "WARN"
    assert screener.screen_message(text, contract=True).decision == "ALLOW"


@pytest.mark.parametrize("title,description,category", PROFILE_VIOLATIONS)
def test_profile_content_findings(screener, title, description, category):
    result = screener.screen_profile(title, description, ["Python"])
    assert category in {f.category for f in result.findings}
    assert result.decision in ("WARN", "BLOCK")


def test_clean_profile_is_allowed(screener):
    result = screener.screen_profile(*CLEAN_PROFILE)
    assert not result.findings, result.findings
    assert result.decision == "ALLOW"


def test_profile_fields_are_screened_and_redacted_separately(screener):
    result = screener.screen_profile("Designer", "Great work. Email me at ann@example.com.", ["Figma", "skype: ann.k"])
    fields = {(f.field, f.category) for f in result.findings}
    assert ("description", "EMAIL") in fields and ("skills", "MESSAGING_HANDLE") in fields
    assert result.redacted["description"] == "Great work. Email me at [EMAIL]."


def test_empty_description_is_a_placeholder(screener):
    result = screener.screen_profile("Senior Python Developer", "")
    assert [(f.category, f.detail) for f in result.findings] == [("PLACEHOLDER", "empty")]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SCREENER = None


def _shared() -> Screener:
    global _SCREENER
    if _SCREENER is None:
        _SCREENER = Screener.build(ScreeningSettings())
    return _SCREENER


_PIECES = st.sampled_from(["five", " ", "at", "dot", "@", ".", "4111", "+44", "7700", "\u0430", "\uff10", "\ufdfa",
                           "\u0130", "w h a t s", "paypal", "GB82", "(", ")", "-", "0x", "fuck", "\n", "1", "é",
                           "\u202e", "\u202c", "[.]", "(@)", "area code", "O", "l", "double", "my ", "ig", "sort code",
                           "T9yED5xMV5ARV98BexN97aLZ1UUq7eKSxm", "***", "you", "arroba", "punto"])


@settings(max_examples=120, deadline=None)
@given(st.one_of(st.text(max_size=120), st.lists(_PIECES, max_size=40).map("".join)))
def test_any_text_is_screened_without_error_and_spans_stay_inside(text):
    if not text.strip():
        return
    result = _shared().screen_message(text)
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
    assert result.decision in ("ALLOW", "WARN", "BLOCK")
