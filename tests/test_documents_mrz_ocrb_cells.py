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


def _two_slips_passing(truth):
    """``truth`` with two characters of the document number changed so that its digit still
    passes, each change alone failing it (two slips that cancel), and the two positions."""
    layout = LAYOUTS[parse_mrz(truth, today=TODAY).format]
    f = layout.field("document_number")
    for a in range(f.start, f.end):
        for b in range(a + 1, f.end):
            for ca in "TGH":
                for cb in "TGH":
                    if ca == truth[f.line][a] or cb == truth[f.line][b]:
                        continue
                    lines = _slip(_slip(truth, (f.line, a), ca), (f.line, b), cb)
                    got = parse_mrz(lines, today=TODAY, correct=False)
                    one = parse_mrz(_slip(truth, (f.line, a), ca), today=TODAY, correct=False)
                    checks = {c.field: c.valid for c in got.checks}
                    if checks["document_number"] and not {c.field: c.valid for c in one.checks}["document_number"]:
                        return got, (a, b)
    raise AssertionError("no two slips cancel")


def test_two_slips_that_pass_the_digit_together_are_a_doubt(classifier):
    # A check digit rules out one slip, not two: Tesseract read HUGTT0972 for XU4110972 on a
    # phone photo, its digit passing, while the classifier read four of its cells otherwise.
    view, zone, truth = document_lines(1003, "td3", "strong")
    reads = classifier.read_lines(view, zone.lines)
    slipped, _ = _two_slips_passing(truth)
    assert "document_number" in field_doubts(slipped, reads, TODAY)
    assert field_doubts(parse_mrz(truth, today=TODAY), reads, TODAY) == ()


def test_a_passing_number_one_read_saw_and_the_classifier_rejects_is_a_doubt(classifier):
    # Of five reads of a blurred line one passes a digit by chance four times in ten: a
    # number only one read saw, one of whose characters the classifier is sure is another, is
    # not confirmed by its digit; the same number two reads saw is.
    from idverify.documents.mrz.ocr import LineRead
    from idverify.documents.mrz.ocrb_cells import thinly_read

    view, zone, truth = document_lines(1003, "td3", "strong")
    reads = classifier.read_lines(view, zone.lines)
    slipped, _ = _two_slips_passing(truth)
    as_read = lambda lines: [LineRead(t, (0.9,) * len(t)) for t in lines]  # noqa: E731
    alone = {"otsu": as_read(slipped.lines), "adaptive:fields": as_read(truth), "consensus": as_read(slipped.lines)}
    assert thinly_read(slipped, reads, alone) == ("document_number",)
    twice = {"otsu": as_read(slipped.lines), "adaptive:fields": as_read(slipped.lines)}
    assert thinly_read(slipped, reads, twice) == ()
    assert thinly_read(parse_mrz(truth, today=TODAY), reads, {"otsu": as_read(truth)}) == ()
