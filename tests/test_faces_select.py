"""Face selection rules: pure."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from idverify.faces.select import looks_like_document, select_face


def test_no_face():
    assert select_face([], document=False, dominance_ratio=0.7).reasons == ("NO_FACE",)
    s = select_face([], document=True, dominance_ratio=0.7)
    assert s.index == -1 and s.reasons == ("NO_FACE", "PORTRAIT_NOT_FOUND")


def test_single_face_is_dominant():
    s = select_face([120], document=False, dominance_ratio=0.7)
    assert (s.index, s.roles, s.reasons) == (0, ("dominant",), ())


def test_comparable_second_face_is_ambiguous():
    s = select_face([120, 90], document=False, dominance_ratio=0.7)
    assert s.index == -1 and s.reasons == ("MULTIPLE_FACES",) and s.roles == ("secondary", "secondary")


def test_small_background_face_is_secondary():
    s = select_face([120, 40], document=False, dominance_ratio=0.7)
    assert s.index == 0 and s.roles == ("dominant", "secondary") and not s.reasons


def test_document_takes_main_portrait_and_marks_ghosts():
    s = select_face([200, 90, 85], document=True, dominance_ratio=0.7)
    assert s.index == 0 and s.roles == ("main_portrait", "ghost_portrait", "ghost_portrait") and not s.reasons


def test_unsorted_widths_are_a_programming_error():
    with pytest.raises(ValueError):
        select_face([10, 20], document=False, dominance_ratio=0.7)


@given(st.lists(st.floats(1, 2000), max_size=6), st.booleans(), st.floats(0.1, 1.0))
def test_selection_invariants(widths, document, ratio):
    widths = sorted(widths, reverse=True)
    s = select_face(widths, document=document, dominance_ratio=ratio)
    assert len(s.roles) == len(widths)
    assert s.index in (-1, 0)
    # a face is selected exactly when no image-level reason was given
    assert (s.index == 0) == (not s.reasons)
    if s.index == 0 and not document:
        assert all(w < ratio * widths[0] for w in widths[1:])


def test_document_guess():
    assert looks_like_document(856, 540, [180])  # ID-1 card proportions, small portrait
    assert not looks_like_document(640, 480, [300])  # profile photo: the face fills the frame
    assert not looks_like_document(480, 640, [100])  # portrait orientation
    assert not looks_like_document(856, 540, [])
