"""The OCR-B cell classifier on real generated photos: it reads the cells, a check digit must
confirm every correction it makes, and it only reports doubts on the name."""

import datetime as dt
from pathlib import Path

import pytest

from idverify.docgen.ocrb_cells import document_lines
from idverify.documents.mrz import LAYOUTS, parse_mrz
from idverify.documents.mrz.ocrb_cells import CellClassifier, field_doubts, reread_failed_digits, second_opinion
from idverify.errors import Unavailable

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def classifier():
    return CellClassifier()


@pytest.fixture(scope="module")
def strong():
    """A passport page photographed at the "strong" level: (view, zone, true lines)."""
    got = document_lines(1003, "td3", "strong")
    assert got is not None
    return got


def _slip(lines, pos, ch):
    line, p = pos
    rows = [list(x) for x in lines]
    rows[line][p] = ch
    return ["".join(r) for r in rows]


def test_model_reads_rendered_cells(classifier):
    view, zone, truth = document_lines(1000, "td1", "clean")
    reads = classifier.read_lines(view, zone.lines)
    chars = sum(len(t) for t in truth)
    right = sum(a == b for r, t in zip(reads, truth) for a, b in zip(r.text, t))
    assert right >= chars - 1
    top = reads[0].top(0, 3)
    assert top[0][0] == truth[0][0] and top[0][1] > 0.5 and len(top) == 3


def test_check_digit_confirms_a_correction(classifier, strong):
    view, zone, truth = strong
    misread = _failing_number(truth)
    fixed = reread_failed_digits(misread, classifier.read_lines(view, zone.lines), TODAY)
    assert fixed.lines == tuple(truth) and fixed.valid


def _failing_number(truth):
    f = LAYOUTS[parse_mrz(truth, today=TODAY).format].field("document_number")
    # A slip the parser's own look-alike repairs (5/S, 1/I, 8/B) cannot undo.
    return next(m for m in (parse_mrz(_slip(truth, (f.line, f.start + 2), c), today=TODAY) for c in "0123456789")
                if not {c.field: c.valid for c in m.checks}["document_number"])


def test_no_correction_the_digit_does_not_confirm(classifier, strong):
    view, zone, truth = strong
    misread = _failing_number(truth)
    # The classifier's reading of another passport: what it proposes here, the digit refuses.
    other_view, other_zone, _ = document_lines(1002, "td3", "clean")
    assert reread_failed_digits(misread, classifier.read_lines(other_view, other_zone.lines), TODAY).lines == misread.lines
    # A name slip: no digit covers it, so it is reported as a doubt, never corrected.
    reads = classifier.read_lines(view, zone.lines)
    name = LAYOUTS[misread.format].field("name")
    p = name.start + 1
    slipped = parse_mrz(_slip(truth, (name.line, p), "E" if truth[name.line][p] != "E" else "F"), today=TODAY)
    result, doubts = second_opinion(classifier, view, zone.lines, slipped, TODAY)
    assert result.lines == slipped.lines
    assert doubts == ("name",)
    assert field_doubts(parse_mrz(truth, today=TODAY), reads, TODAY) == ()


def test_a_slip_the_digit_cannot_see_is_a_doubt_not_a_correction(classifier):
    # G and 6 have the same value modulo 10: a number read with 6 for G passes its digit.
    view, zone, truth = document_lines(1006, "td3", "strong")
    f = LAYOUTS[parse_mrz(truth, today=TODAY).format].field("document_number")
    assert truth[f.line][f.start] == "G"
    misread = parse_mrz(_slip(truth, (f.line, f.start), "6"), today=TODAY)
    assert misread.valid
    result, doubts = second_opinion(classifier, view, zone.lines, misread, TODAY)
    assert result.lines == misread.lines and doubts == ("document_number",)


def test_missing_model_is_unavailable(tmp_path: Path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(Unavailable):
        CellClassifier(bad)
