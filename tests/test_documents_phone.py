"""The hard photographed set (issue 16, item 6) through the whole read_document, real
Tesseract and dlib: documents generated at the ``phone`` level (security print under the MRZ,
a page tilted up to 28 degrees, glare, shadow, blur, JPEG, 720 px wide).

What the reader gets right on them today, and what it must always do: never raise, and say why
when it reads no MRZ or an MRZ whose check digits fail. The accuracy over 36 of them is in
benchmarks/RESULTS.md ("Issue 16, item 6: the hard photographed set")."""

import datetime as dt

import pytest

from idverify.docgen import generate_document
from idverify.documents import DocumentSettings, build_document_reader, read_document

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def reader():
    r = build_document_reader(DocumentSettings(viz="fallback"))
    yield r
    r.engine.close()


def _read(reader, seed, kind):
    g = generate_document(seed, kind=kind, level="phone", today=TODAY)
    return g.truth, read_document(g.images, reader, today=TODAY)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_tilted_card_back_under_security_print_reads_exactly(reader, seed):
    truth, resp = _read(reader, seed, "td1")
    doc = resp.document
    assert tuple(doc.mrz_lines) == truth.mrz_lines and all(c.valid for c in resp.check_digits)
    assert doc.surname == truth.mrz_surname and doc.document_number == truth.document_number
    assert doc.birth_date == truth.birth_date.isoformat()
    assert "MRZ_INVALID" not in [r.code for r in resp.reasons]


def test_a_page_whose_mrz_is_not_read_comes_back_with_a_reason(reader):
    # Seed 4's passport page: small print tilted 9 degrees under the security print. No MRZ was
    # found on it (DOCUMENT_UNREADABLE) until rows were spaced along their slope; now its zone
    # is found and misread (the name and number lines under the pattern), and the check
    # digits say so. Either way the response must say why rather than return fields as fine.
    truth, resp = _read(reader, 4, "td3")
    if tuple(resp.document.mrz_lines) != truth.mrz_lines:
        assert resp.reasons and all(r.code and r.message for r in resp.reasons)
        assert {"DOCUMENT_UNREADABLE", "MRZ_INVALID"} & {r.code for r in resp.reasons}


def test_an_mrz_read_with_failing_check_digits_is_reported_invalid(reader):
    # Seed 2's page failed its digits until the OCR-B classifier read beside Tesseract (now
    # every digit passes and a name letter is in doubt); seed 5's still fails them.
    truth, resp = _read(reader, 5, "td3")
    assert resp.document.mrz_lines and resp.mrz_score < 100
    assert "MRZ_INVALID" in [r.code for r in resp.reasons]


def test_a_date_whose_check_digit_passes_on_letters_is_malformed():
    # Read off a phone photo (seed 1011 of the benchmark): "741231" read "F4F231", whose two
    # slips cancel in the check-digit sum (letters weigh in it too). The digit passes; the
    # date is no date, so the MRZ must not count as valid.
    from idverify.documents.mrz import parse_mrz
    from idverify.documents.reader import _malformed_mrz_fields

    lines = ["I<UTOPX501050527T836539825<<<<", "F4F2316M3311189ESP<<<<<<<<<<<3", "MUMEZ<GARCIA<<JOSE<MARIA<<<<<<"]
    result = parse_mrz(lines, today=TODAY)
    assert {c.field: c.valid for c in result.checks}["birth_date"]
    assert _malformed_mrz_fields(result) == ["birth_date"]
    good = parse_mrz(["I<UTOPX501050527T836539825<<<<", "7412316M3311189ESP<<<<<<<<<<<3", "NUNEZ<GARCIA<<JOSE<MARIA<<<<<<"], today=TODAY)
    assert _malformed_mrz_fields(good) == []


#: Reasons that say the MRZ read is not to be trusted as it stands.
_DOUBTED = {"MRZ_UNCERTAIN", "MRZ_INVALID", "MRZ_UNREADABLE", "DOCUMENT_UNREADABLE"}


@pytest.mark.parametrize(("seed", "kind"), [(1002, "td3"), (1009, "td1"), (8, "td3")])
def test_a_name_read_wrong_is_never_returned_as_if_fine(reader, seed, kind):
    # Seeds of the benchmark's phone set (read on its day) whose name came back wrong with no
    # reason at all before issue 16's doubts: a letter no check digit covers, read differently
    # by two binarisations or two views of the photo. Now the name is right or a reason says
    # why it may not be. Seed 8: Tesseract's reads all saw a D as O, the classifier read D but
    # below its sure level, and the vote took O: the classifier's likelier letter is a doubt.
    day = dt.date(2026, 12, 2)
    g = generate_document(seed, kind=kind, level="phone", today=day)
    resp = read_document(g.images, reader, today=day)
    doc = resp.document
    name_right = (doc.surname, doc.given_names) == (g.truth.mrz_surname, g.truth.mrz_given_names)
    assert name_right or _DOUBTED & {r.code for r in resp.reasons}


#: The benchmark's day for the seeds below (a generated document's dates follow it).
_BENCH_DAY = dt.date(2026, 12, 2)


def test_a_tilted_card_back_under_glare_has_its_zone_found(reader):
    # Seed 1007 of the benchmark: a card back turned 7 degrees, a glare spot across the middle
    # of all three lines and the paper's grain merged with the fillers by the ordinary
    # threshold. No zone was found (NO_MACHINE_READABLE_DATA); the stricter component search
    # and rows continued along their slope across the glare find it.
    g = generate_document(1007, kind="td1", level="phone", today=_BENCH_DAY)
    resp = read_document(g.images, reader, today=_BENCH_DAY)
    assert [len(line) for line in resp.document.mrz_lines] == [30, 30, 30]
    assert "NO_MACHINE_READABLE_DATA" not in [r.code for r in resp.reasons]


@pytest.mark.parametrize("seed", [1008, 1012])
def test_a_page_whose_grid_sat_off_its_characters_reads_exactly(reader, seed):
    # Seeds of the benchmark's phone set read wrong before: small, blurred print merged
    # neighbouring glyphs into one component (1008: the grid half a cell off, the document
    # number read "8422322353" for "P842532353"), or two Tesseract binarisations shared a slip
    # the classifier all but ruled out (1012: KHAI read KHAL).
    g = generate_document(seed, kind="td3", level="phone", today=_BENCH_DAY)
    resp = read_document(g.images, reader, today=_BENCH_DAY)
    assert tuple(resp.document.mrz_lines) == g.truth.mrz_lines
    assert "MRZ_INVALID" not in [r.code for r in resp.reasons]


def test_a_card_line_read_a_cell_late_is_read_again_on_a_grid_moved_back(reader):
    # Phone seed 4001 of 2026-12-04: a speck before the card's first line and its last filler
    # lost put every character a cell late (IIDUTOAM3267895...). Its number's digit and the
    # composite passed on that by chance, the country code (DUT) did not; the classifier,
    # reading the line a cell along, makes every digit and field sound, and the zone is read
    # again there.
    g = generate_document(4001, kind="td1", level="phone", today=GLARE_DAY)
    resp = read_document(g.images, reader, today=GLARE_DAY)
    assert tuple(resp.document.mrz_lines) == g.truth.mrz_lines
    assert not {"MRZ_INVALID", "MRZ_UNCERTAIN"} & {r.code for r in resp.reasons}


GLARE_DAY = dt.date(2026, 12, 4)


def test_a_page_glare_half_hides_is_read_where_it_shows_and_says_what_it_did_not_see(reader):
    # Benchmark seed 1056 (the generator depends on the day): a glare spot over the middle of
    # both MRZ lines of a tilted passport page. No search found a zone, so the response was
    # NO_MACHINE_READABLE_DATA; the glare search reads the visible cells, and a field read
    # wrong is never returned as fine: its name is in a reason (doubted or not seen).
    g = generate_document(1056, kind="td3", level="phone", today=GLARE_DAY)
    resp = read_document(g.images, reader, today=GLARE_DAY)
    doc, t, codes = resp.document, g.truth, {r.code for r in resp.reasons}
    assert doc.birth_date == t.birth_date.isoformat() and doc.surname == t.mrz_surname and doc.nationality == t.nationality
    assert "MRZ_OBSCURED" in codes and "NO_MACHINE_READABLE_DATA" not in codes
    said = " ".join(r.message for r in resp.reasons if r.code in ("MRZ_OBSCURED", "MRZ_UNCERTAIN"))
    for field, got, want in [("document_number", doc.document_number, t.document_number),
                             ("expiry_date", doc.expiry_date, t.expiry_date.isoformat()),
                             ("name", doc.given_names, t.mrz_given_names)]:
        assert got == want or field in said or "MRZ_INVALID" in codes, field


def test_an_expiry_the_readings_doubt_under_glare_is_a_review_not_a_verdict(reader):
    # Benchmark seed 1054: the expiry's cells lie under the glare; 260101 is read 250101, whose
    # digit passes, and the readings disagree on it. Judging expiry on it would state a date
    # the reader doubts (a reject for expiry on a misread, were the true date in the future):
    # the doubt goes to review and expiry is not judged on it.
    g = generate_document(1054, kind="td3", level="phone", today=GLARE_DAY)
    resp = read_document(g.images, reader, today=GLARE_DAY)
    codes = {r.code for r in resp.reasons}
    assert resp.document.expiry_date != g.truth.expiry_date.isoformat()
    assert "DOCUMENT_EXPIRED" not in codes
    assert "expiry_date" in next(r.message for r in resp.reasons if r.code == "MRZ_UNCERTAIN")


def test_a_zone_read_wrong_at_the_wrong_length_is_read_again_beside_the_glare(reader):
    # Benchmark seed 1004 of 2026-12-04: glare over part of both lines of a passport page.
    # The ordinary search found a zone and read it with failing digits (eight fields wrong,
    # MRZ_INVALID); the glare search, run also where a view's read fails its digits, reads
    # every field right, and still says which ones lay where no character was seen.
    g = generate_document(1004, kind="td3", level="phone", today=GLARE_DAY)
    resp = read_document(g.images, reader, today=GLARE_DAY)
    doc = resp.document
    assert (doc.surname, doc.given_names) == (g.truth.mrz_surname, g.truth.mrz_given_names)
    assert doc.document_number == g.truth.document_number and doc.birth_date == g.truth.birth_date.isoformat()
    assert doc.expiry_date == g.truth.expiry_date.isoformat() and doc.nationality == g.truth.nationality
    assert "MRZ_OBSCURED" in {r.code for r in resp.reasons}


def test_a_name_line_stretched_by_grain_is_read_on_the_other_lines_grid(reader):
    # Benchmark seed 1045 of 2026-12-04, a card back: TANAKA<<HIROSHI was read IMITANAA<<HIRSHI
    # with no reason at all (a silent misread: names have no check digit), the name line's
    # grid stretched by a speck of grain beside it.
    g = generate_document(1045, kind="td1", level="phone", today=GLARE_DAY)
    resp = read_document(g.images, reader, today=GLARE_DAY)
    assert (resp.document.surname, resp.document.given_names) == (g.truth.mrz_surname, g.truth.mrz_given_names)
    assert tuple(resp.document.mrz_lines) == g.truth.mrz_lines


_READ_ONE = """
import datetime as dt, sys
from idverify.docgen import generate_document
from idverify.documents import DocumentSettings, build_document_reader, read_document
day = dt.date(2026, 12, 4)
g = generate_document(5022, kind="td3", level="phone", today=day)
resp = read_document(g.images, build_document_reader(DocumentSettings(viz="never")), today=day)
del resp.timings[:]
sys.stdout.write(resp.document.document_number + " " + resp.SerializeToString(deterministic=True).hex())
"""


@pytest.mark.slow
def test_a_page_reads_the_same_under_any_string_hashing():
    # Benchmark seed 5022 of 2026-12-04, glare over a passport page's number: four reads split
    # two against two on a cell, and the majority was taken from a set of characters, whose
    # order follows the process's string hashing: one worker read MN0388296, another
    # MNO38E296. A tie is no majority now, and every process reads the page alike.
    import os
    import subprocess
    import sys

    out = []
    for seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", _READ_ONE], env=env, capture_output=True, text=True, timeout=300, check=True)
        out.append(done.stdout)
    assert out[0] == out[1]
